"""A release step that cannot go on (publishing, deploying, checking a release): the message says, in Chinese
and in English, what happened and what to do. publish.py prints it; nobody sees a traceback."""


class Refusal(Exception):
    def __init__(self, zh, en):
        super().__init__(en)
        self.zh, self.en = zh, en
