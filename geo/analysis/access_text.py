# ruff: noqa: E501  (a catalogue of sentences: Chinese characters count double)
"""Interface strings of the accessibility and siting pages, in Chinese and English.

Registered into :data:`geo.i18n.TEXT` by :mod:`geo.analysis.access` (one catalogue per
subject, so the shared catalogue file is not edited by every feature).
"""

from __future__ import annotations

ACCESS_TEXT: dict[str, dict[str, str]] = {
    "acc_title": {"en": "Access to top medical care", "zh": "优质医疗资源可达性"},
    "acc_siting_title": {"en": "Where new sites would reach most people", "zh": "新增设施选址"},
    "acc_facilities": {"en": "Facilities (supply)", "zh": "设施（供给）"},
    "acc_capacity": {"en": "Capacity column", "zh": "容量列"},
    "acc_capacity_none": {"en": "every site counts 1", "zh": "每个设施计为 1"},
    "acc_method": {"en": "Measure", "zh": "指标"},
    "acc_catchment": {"en": "Catchment (km)", "zh": "服务半径（千米）"},
    "acc_threshold": {"en": "Threshold (km)", "zh": "距离阈值（千米）"},
    "acc_nearest": {"en": "Distance to the nearest site", "zh": "距最近设施距离"},
    "acc_2sfca": {
        "en": "2SFCA: supply per 10,000 residents",
        "zh": "两步移动搜索法（2SFCA）：每万人供给",
    },
    "acc_e2sfca": {
        "en": "Enhanced 2SFCA (Gaussian decay): supply per 10,000 residents",
        "zh": "增强两步移动搜索法（高斯衰减）：每万人供给",
    },
    "acc_reachable": {
        "en": "Supply within the catchment per 10,000 residents of the county",
        "zh": "服务半径内供给（每万名本县常住人口）",
    },
    "acc_unit_km": {"en": "km", "zh": "千米"},
    "acc_unit_per10k": {"en": "per 10,000 residents", "zh": "每万人"},
    "acc_population": {"en": "Residents (2020)", "zh": "常住人口（2020年）"},
    "acc_beyond": {"en": "Residents beyond the threshold", "zh": "超出阈值的人口"},
    "acc_share_beyond": {"en": "Share beyond", "zh": "超出阈值比例"},
    "acc_by_prefecture": {
        "en": "Residents beyond the threshold by prefecture",
        "zh": "各地级单位超出阈值的人口",
    },
    "acc_by_province": {"en": "By province", "zh": "按省级单位"},
    "acc_nearest_site": {"en": "Nearest site", "zh": "最近设施"},
    "acc_sites_used": {"en": "sites used", "zh": "个设施参与计算"},
    "acc_left_out": {
        "en": "left out (district-only location, no distance can be measured)",
        "zh": "个未采用（仅知所在区县，无法测距）",
    },
    "acc_method_note": {
        "en": "Demand: residents of each county (2020 census) at one point per county, the "
        "label point inside it (the point farthest from its borders); a population-weighted "
        "point would need a population grid, which the atlas does not bundle. Distances are "
        "straight lines on the WGS 84 ellipsoid (pyproj Geod): no road network is bundled, "
        "so travel by road is longer, more so in the mountains of the north and west. "
        "2SFCA (Luo & Wang 2003, PySAL access): each site's capacity is divided by the "
        "residents within the catchment of it, and each county sums those ratios over the "
        "sites within its catchment; the enhanced 2SFCA weights both steps by a Gaussian "
        "decay exp(−d²/2σ²) with σ = catchment/2. Supply within the catchment per 10,000 "
        "residents ignores that other counties compete for the same sites.",
        "zh": "需求：各县（区）常住人口（2020年第七次全国人口普查），每县取一个点，即县内用于标注名称的点"
        "（距边界最远的点）；人口加权中心需要人口格网数据，本图集未收录。距离为 WGS 84 椭球面上的直线距离"
        "（pyproj Geod）：本图集未收录道路网络，实际道路距离更长，北部和西部山区尤甚。两步移动搜索法"
        "（Luo & Wang 2003，PySAL access）：先以每个设施的容量除以其服务半径内的人口，再对每个县服务半径内"
        "各设施的比值求和；增强两步移动搜索法对两步都按高斯衰减 exp(−d²/2σ²) 加权，σ 取服务半径的一半。"
        "“服务半径内供给（每万名本县常住人口）”不考虑其他县对同一设施的竞争。",
    },
    "acc_statement_lead": {"en": "In {year}, ", "zh": "{year} 年，"},
    "acc_coverage_gap": {"en": "Coverage gap", "zh": "数据覆盖缺口"},
    "acc_use_points": {
        "en": "Publish a point table of the missing sites and choose it as the facility layer",
        "zh": "发布缺失设施的点数据表，并选作设施图层",
    },
    "acc_capacity_bundled": {
        "en": "bundled facility layers have no capacity column: every site counts 1",
        "zh": "内置设施图层没有容量列：每个设施计为 1",
    },
    "acc_siting_link": {
        "en": "Where would new sites reach most people?",
        "zh": "新增设施选在哪里覆盖人口最多？",
    },
    "acc_access_link": {"en": "Access to top medical care", "zh": "优质医疗资源可达性分析"},
    "acc_k": {"en": "New sites (k)", "zh": "新增设施数（k）"},
    "acc_radius": {"en": "Coverage radius (km)", "zh": "覆盖半径（千米）"},
    "acc_candidates": {"en": "Candidates", "zh": "候选点"},
    "acc_county_seats": {"en": "County seats (label points)", "zh": "县城（县域标注点）"},
    "acc_objective": {"en": "Objective", "zh": "目标"},
    "acc_coverage": {
        "en": "Coverage (MCLP): most residents newly within the radius",
        "zh": "最大覆盖（MCLP）：新覆盖人口最多",
    },
    "acc_pmedian": {
        "en": "p-median: least population-weighted distance",
        "zh": "p 中位（p-median）：人口加权距离最小",
    },
    "acc_existing": {"en": "Existing sites", "zh": "现有设施"},
    "acc_chosen": {"en": "Chosen new sites", "zh": "选中的新设施"},
    "acc_newly_covered": {"en": "Newly covered", "zh": "新覆盖"},
    "acc_covered": {"en": "Already covered", "zh": "已覆盖"},
    "acc_not_covered": {"en": "Still beyond the radius", "zh": "仍在半径以外"},
    "acc_status": {"en": "Coverage", "zh": "覆盖情况"},
    "acc_mean_km": {
        "en": "Population-weighted mean distance to the nearest site",
        "zh": "人口加权平均最近距离",
    },
    "acc_siting_note": {
        "en": "Demand and distances as on the accessibility page (county residents at one "
        "point per county, straight lines on the ellipsoid). Coverage: spopt's maximal "
        "covering location problem over the candidates, with the residents already within "
        "the radius of an existing site given no weight, so the k sites maximise residents "
        "newly covered. p-median: spopt's p-median over the existing sites (all kept) and "
        "the candidates, minimising the population-weighted distance from each county to "
        "its nearest site. Solved with CBC (PuLP), time-limited.",
        "zh": "需求与距离同可达性页面（各县常住人口，每县一个点；椭球面直线距离）。最大覆盖：在候选点上求解 "
        "spopt 最大覆盖选址模型（MCLP），已在现有设施半径内的人口权重为零，因此 k 个新设施使新覆盖人口最多。"
        "p 中位：在现有设施（全部保留）与候选点上求解 spopt p-median，使各县到最近设施的人口加权距离最小。"
        "以 CBC（PuLP）求解，并设时间上限。",
    },
    "acc_chosen_sites": {"en": "Chosen sites", "zh": "选中的站点"},
    "acc_facilities_help": {
        "en": "a tier (fudan-top100, grade-3a, …) or a published point table: dataset:ID",
        "zh": "设施等级（fudan-top100、grade-3a 等）或已发布的点数据表：dataset:ID",
    },
    "acc_card_help": {
        "en": "Distance to the nearest top hospital, two-step floating catchment (2SFCA) "
        "accessibility and the share of each city's residents beyond 30 or 60 km, for any "
        "facility layer or published point table.",
        "zh": "距最近优质医院的距离、两步移动搜索法（2SFCA）可达性，以及各市距离超过 30 或 60 千米的人口比例；"
        "可选任一设施图层或已发布的点数据表。",
    },
    "acc_siting_card_help": {
        "en": "Where k new sites (for example branches of Beijing hospitals in Hebei) would "
        "bring the most residents within reach: maximal covering and p-median (spopt).",
        "zh": "k 个新设施（例如北京医院在河北的分院）选在哪里能覆盖最多人口：最大覆盖与 p 中位模型（spopt）。",
    },
}
