"""The site serves the data package: /downloads/ is the site folder's downloads/, byte for byte, with the original
document inside it; a file or page that does not exist is a 404."""
import hashlib
import json

import seed_forms
from helpers import ROOT


async def test_datasette_serves_the_downloads(ds, built):
    folder = built / "downloads"
    response = await ds.client.get("/downloads/datapackage.json")
    assert response.status_code == 200
    descriptor = response.json()
    assert descriptor == json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    assert len(descriptor["resources"]) >= 12  # every table but the search index
    for resource in descriptor["resources"]:
        response = await ds.client.get(f"/downloads/{resource['path']}")
        assert response.status_code == 200, resource["path"]
        assert response.headers["content-type"].startswith("text/csv")
        assert "sha256:" + hashlib.sha256(response.content).hexdigest() == resource["hash"]
    document = seed_forms.SOURCE.relative_to(ROOT / "source")  # the published document, e.g. 2019/….txt
    assert f"source/{document}" in [source["path"] for source in descriptor["sources"]]
    response = await ds.client.get(f"/downloads/source/{document}")
    assert response.status_code == 200
    assert response.content == seed_forms.SOURCE.read_bytes()


async def test_a_page_that_does_not_exist_is_a_404(ds):
    """Not a 500: with the rich library importable (frictionless, the data package validator, brings it),
    Datasette 0.65.5 fails while printing the error of a request that matches no route."""
    for path in ("/forms/2019/shifeng-minzheng/9", "/no/such/page/here", "/budget/no_such_table",
                 "/downloads/no-such-file.csv"):
        response = await ds.client.get(path)
        assert response.status_code == 404, path
