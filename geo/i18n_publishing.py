"""Interface strings of publishing and sharing, in Chinese and English: the point table's
coordinate-system question, previews, the published point table picker and the copy
buttons. :mod:`geo.i18n` merges them into its catalogue (one ``text()`` for every page)."""

from __future__ import annotations

PUBLISHING_TEXT: dict[str, dict[str, str]] = {
    # A point table without a datum: what to choose and why.
    "pub_choose_datum": {
        "en": "Choose the coordinate system: WGS-84 (GPS), GCJ-02 (AMap/Tencent) or BD-09 "
        "(Baidu). The same point lies a few hundred metres apart in each, so it is never "
        "guessed.",
        "zh": "请选择坐标系：WGS-84（GPS）、GCJ-02（高德/腾讯）或 BD-09（百度）。"
        "同一地点在三种坐标系中相差数百米，因此不作猜测。",
    },
    "pub_points_detected": {
        "en": "The columns “{lon}” and “{lat}” hold longitudes and latitudes: the table is read "
        "as points.",
        "zh": "「{lon}」「{lat}」两列是经纬度：此表按点数据读取。",
    },
    "pub_datum_first": {
        "en": "Publishing waits for the coordinate system.",
        "zh": "选择坐标系后才能发布。",
    },
    "pub_points_preview": {"en": "Preview of the points", "zh": "点位预览"},
    "pub_preview_points_count": {
        "en": "{points} of {rows} rows drawn",
        "zh": "{rows} 行中 {points} 个点已绘制",
    },
    # The manage page: a new version is checked and previewed before it goes live.
    "pub_check_preview": {"en": "Check and preview", "zh": "检查并预览"},
    "pub_publish_version": {"en": "Publish this version", "zh": "发布此版本"},
    "pub_check_first": {
        "en": "Check the file first: the preview shows what the new version will look like.",
        "zh": "请先检查文件：预览显示新版本发布后的样子。",
    },
    # The choropleth's facilities control: add a published point table.
    "pub_add_points": {"en": "Add a published point table", "zh": "添加已发布的点数据表"},
    "pub_search_title": {"en": "Search by title", "zh": "按标题搜索"},
    "pub_add": {"en": "Add", "zh": "添加"},
    "pub_no_point_tables": {
        "en": "No published point table matches.",
        "zh": "没有匹配的已发布点数据表。",
    },
    "pub_point_tables_found": {
        "en": "{count} published point tables",
        "zh": "{count} 个已发布的点数据表",
    },
    "pub_show_over_choropleth": {
        "en": "Show over a choropleth (population)",
        "zh": "叠加到分级设色地图（常住人口）上",
    },
    # Copy buttons beside snippets and links.
    "pub_copy": {"en": "Copy", "zh": "复制"},
    "pub_copy_link": {"en": "Copy link", "zh": "复制链接"},
    "pub_copied": {"en": "Copied", "zh": "已复制"},
    "pub_copy_failed": {
        "en": "Could not copy: select the text and press Ctrl+C",
        "zh": "无法复制：请选中文字后按 Ctrl+C",
    },
    "pub_oembed_url": {"en": "oEmbed URL", "zh": "oEmbed 地址"},
    "pub_iframe": {"en": "iframe", "zh": "iframe 代码"},
}
