"""Corridor maps list and draw the facilities inside member units whatever the band, and
show the members side by side readably: indicators as rows, members as columns, with the
indicators no member has named once instead of columns of "no data". Also: the cluster
map's scale bar is metric only and in 千米 on zh pages."""

from __future__ import annotations

import json

import pytest

CHEST = "hosp-bjchest"  # 首都医科大学附属北京胸科医院, in member 通州区 (110112)


def test_member_facilities_are_kept_whatever_the_band():
    from geo.sources.zones import corridor_analysis

    narrow = corridor_analysis("tong-wu-lang", 10)
    row = narrow.facilities.set_index("id").loc[CHEST]
    assert row["distance_km"] > 10
    assert not row["in_band"] and row["in_member"]
    # a facility outside both the band and the members is not listed
    assert (narrow.facilities["in_band"] | narrow.facilities["in_member"]).all()
    wide = corridor_analysis("tong-wu-lang", 30)
    assert wide.facilities.set_index("id").loc[CHEST, "in_band"]


def test_corridor_download_marks_in_band_and_in_member(client):
    data = json.loads(client.get("/download/corridor.geojson?zone=tong-wu-lang&band_km=10").data)
    found = [f["properties"] for f in data["features"] if f["properties"].get("id") == CHEST]
    assert len(found) == 1 and found[0]["role"] == "facility"
    assert found[0]["in_band"] is False and found[0]["in_member"] is True


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_member_table_has_indicators_as_rows_and_members_as_columns(client, lang):
    html = client.get(f"/maps/corridor/tong-wu-lang?band_km=10&lang={lang}").get_data(as_text=True)
    table = html.split('<table class="members" id="members">')[1].split("</table>")[0]
    head = table.split("</thead>")[0]
    assert head.count('<th scope="col" class="member">') == 3  # 通州区, 武清区, 廊坊市
    rows = table.split("<tbody>")[1].count('<th scope="row"')
    assert 3 <= rows <= 25  # the indicators members have values for (18 with the yearbook)
    # every row has a value for at least one member; the all-missing ones are named once
    for row in table.split("<tbody>")[1].split("</tr>")[:-1]:
        cells = row.count("<td")
        assert row.count('class="missing"') < cells
    assert 'id="members-without-data"' in html
    note = html.split('id="members-without-data">')[1].split("</p>")[0]
    named = "卫生技术人员数（年末）" if lang == "zh" else "Health technicians (year-end)"
    assert named in note
    assert named not in table  # not a row of "no data" as well
    item = html.split("首都医科大学附属北京胸科医院")[1].split("</li>")[0]
    assert (
        "位于成员单位内，缓冲带外" if lang == "zh" else "in a member unit, outside the band"
    ) in item


@pytest.mark.browser
@pytest.mark.parametrize("width", [1366, 390])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_chest_hospital_drawn_at_10_km_and_table_readable(
    browser, live_server, artifacts, width, lang
):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    try:
        page.goto(f"{live_server}/maps/corridor/tong-wu-lang?band_km=10&basemap=none&lang={lang}")
        page.wait_for_selector("[data-facilities-drawn]", timeout=20_000)
        assert int(page.get_attribute("body", "data-facilities-drawn")) >= 1
        names = page.evaluate(
            """() => { const out = []; JJJAtlas.maps[0].eachLayer(l => {
                 if (l.feature && l.feature.properties.role === 'facility')
                   out.push(l.feature.properties.id); }); return out; }"""
        )
        assert "hosp-bjchest" in names
        table = page.locator("#members")
        columns = table.locator("thead th").count()
        assert columns == 4
        # readable: no member column narrower than its name, and the page never scrolls sideways
        narrowest = page.evaluate(
            """() => Math.min(...[...document.querySelectorAll('#members thead th.member')]
                 .map(th => th.getBoundingClientRect().width))"""
        )
        assert narrowest >= 60
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(
            path=str(artifacts / f"corridor-members-{lang}-{width}.png"), full_page=True
        )
        assert not errors
    finally:
        context.close()


@pytest.mark.browser
@pytest.mark.parametrize("lang,word", [("zh", "千米"), ("en", "km")])
def test_cluster_map_scale_is_metric_in_the_page_language(browser, live_server, lang, word):
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    try:
        page.goto(
            f"{live_server}/maps/clusters?indicator=population&level=county&basemap=none&lang={lang}"
        )
        page.wait_for_selector("[data-clusters-drawn]", timeout=20_000)
        scale = page.inner_text(".leaflet-control-scale")
        assert word in scale and "mi" not in scale
        if lang == "zh":
            assert "km" not in scale
    finally:
        context.close()
