"""The analysis pages' strings in Chinese and English: quotable sentences, notes, legends.

Merged into :data:`geo.i18n.TEXT` (so templates read them with ``t()``); kept here so the
sentences sit beside the statistics they describe. This module imports nothing from ``geo``.
"""

from __future__ import annotations

ANALYSIS_TEXT: dict[str, dict[str, str]] = {
    # --- who, when, how weighted (parts of every quotable sentence) ---
    "units_province": {"en": "{n} provincial units", "zh": "{n}个省级单位"},
    "units_prefecture": {"en": "{n} prefecture-level units", "zh": "{n}个地级单位"},
    "units_county": {"en": "{n} county-level units", "zh": "{n}个县级单位"},
    "in_year": {"en": " in {year}", "zh": "{year}年"},
    "weighting_none": {"en": "unweighted", "zh": "不加权"},
    "weighting_population": {
        "en": "weighted by residents, population {year}",
        "zh": "按{year}年常住人口加权",
    },
    "weighting_population_each_year": {
        "en": "weighted by residents, each year by the population of that year or the nearest "
        "year with values",
        "zh": "按常住人口加权，各年采用当年或最接近年份的人口",
    },
    "kind_undeclared": {
        "en": " (a dataset column: the kind of its values is not declared)",
        "zh": "（用户数据列，未声明数值类型）",
    },
    # --- inequality sentences ---
    "ineq_sentence": {
        "en": "Across {units}{year}, {indicator} ({unit}; {weighting}) has a Gini coefficient "
        "of {gini}, a Theil T of {theil} and a coefficient of variation of {cv}.{kind}",
        "zh": "{year}{units}{indicator}（{unit}，{weighting}）的基尼系数为{gini}，"
        "泰尔指数T为{theil}，变异系数为{cv}。{kind}",
    },
    "ineq_split_sentence": {
        "en": "Of the inequality (Theil T) of {indicator} across {units}{year} ({weighting}), "
        "{between} % is between {whom}, {within} % within them.",
        "zh": "{year}{units}{indicator}（{weighting}）的不平衡（泰尔指数T）中，"
        "{between}%来自{whom}之间的差异，{within}%来自其内部差异。",
    },
    "ineq_too_few": {
        "en": "Too few units: {indicator} ({weighting}) has values for {n} {level_units}{year}; "
        "a Gini or Theil index needs at least {minimum} units, so none is given.",
        "zh": "单位过少：{year}{indicator}（{weighting}）仅有{n}个{level_units}有数据，"
        "基尼系数和泰尔指数至少需要{minimum}个单位，故不计算。",
    },
    "level_units_province": {"en": "provincial units", "zh": "省级单位"},
    "level_units_prefecture": {"en": "prefecture-level units", "zh": "地级单位"},
    "level_units_county": {"en": "county-level units", "zh": "县级单位"},
    "ineq_no_split": {
        "en": "No between/within split: {reason}",
        "zh": "不做组间/组内分解：{reason}",
    },
    "split_one_group": {
        "en": "all units with a value are in one group ({name}); a split needs at least 2 "
        "groups of at least 2 units each.",
        "zh": "有数据的单位都属于同一分组（{name}）；分解至少需要2个分组、每组至少2个单位。",
    },
    "split_small_group": {
        "en": "{names} {verb} a single unit; a split needs at least 2 groups of at least 2 "
        "units each.",
        "zh": "{names}只有1个单位；分解至少需要2个分组、每组至少2个单位。",
    },
    "ineq_tied": {"en": "{n} units at {value}", "zh": "{n}个单位为{value}"},
    "weight_choice": {
        "en": "This page shows the {shown} figures; {other_link}.",
        "zh": "本页显示{shown}结果；{other_link}。",
    },
    "weight_shown_none": {"en": "unweighted", "zh": "不加权"},
    "weight_shown_population": {"en": "population-weighted", "zh": "人口加权"},
    "weight_see_population": {"en": "see them weighted by residents", "zh": "查看按人口加权结果"},
    "weight_see_none": {"en": "see them unweighted", "zh": "查看不加权结果"},
    "weight_only_none": {
        "en": "Unweighted only: weighting by residents applies to rates per resident.",
        "zh": "仅不加权：按人口加权只适用于按人口计算的比率。",
    },
    "trend_link": {"en": "Inequality over time", "zh": "不平衡的变化趋势"},
    "trend_of_rate": {"en": " (of its rate)", "zh": "（按比率指标）"},
    # --- trend ---
    "trend_title": {"en": "Inequality over time", "zh": "不平衡的变化趋势"},
    "trend_years": {"en": "Years", "zh": "年份"},
    "trend_units_fixed": {
        "en": "The same {n} {level_units} in every year.",
        "zh": "各年份均为同一组{n}个{level_units}。",
    },
    "trend_units_dropped": {
        "en": "Left out because a value is missing in at least one year: {names}.",
        "zh": "因至少一年缺数据而未计入：{names}。",
    },
    "trend_break": {
        "en": "Definition break in {year}: {note} The series is split there; years on either "
        "side are not compared.",
        "zh": "{year}年起统计口径变化：{note}序列在此分段，前后年份不作比较。",
    },
    "sigma_fell": {"en": "fell", "zh": "下降"},
    "sigma_rose": {"en": "rose", "zh": "上升"},
    "sigma_same": {"en": "stayed", "zh": "保持"},
    "sigma_sentence": {
        "en": "The coefficient of variation of {indicator} across the same {units} ({weighting}) "
        "{verb} from {first} in {y0} to {last} in {y1}: {verdict}",
        "zh": "同一组{units}{indicator}的变异系数（{weighting}）从{y0}年的{first}{verb}到"
        "{y1}年的{last}：{verdict}",
    },
    "sigma_converge": {
        "en": "σ-convergence (the spread narrowed).",
        "zh": "存在σ收敛（差距缩小）。",
    },
    "sigma_diverge": {"en": "σ-divergence (the spread widened).", "zh": "σ发散（差距扩大）。"},
    "sigma_flat": {"en": "no change in spread.", "zh": "差距未变。"},
    "beta_sentence": {
        "en": "β-convergence test for {indicator}, {y0}–{y1}, {n} {level_units}: annual growth "
        "regressed on the log of the {y0} level has slope {slope} (95 % interval {low} to "
        "{high}); {verdict}",
        "zh": "{indicator}的β收敛检验（{y0}—{y1}年，{n}个{level_units}）：年均增长率对{y0}年"
        "水平的对数回归，斜率为{slope}（95%置信区间{low}至{high}）；{verdict}",
    },
    "beta_converge": {
        "en": "units starting lower grew faster (β-convergence).",
        "zh": "起点较低的单位增长较快（β收敛）。",
    },
    "beta_diverge": {
        "en": "units starting higher grew faster (β-divergence).",
        "zh": "起点较高的单位增长较快（β发散）。",
    },
    "beta_none": {
        "en": "the interval includes 0: no significant relation.",
        "zh": "区间包含0：无显著关系。",
    },
    "beta_not_tested": {
        "en": "No β-convergence test for {years}: it needs at least 2 comparable years and 10 "
        "units with positive values ({n} here).",
        "zh": "{years}不做β收敛检验：至少需要2个可比年份和10个数值为正的单位（此处{n}个）。",
    },
    "trend_one_year": {
        "en": "{years}: a single comparable year, no change to describe.",
        "zh": "{years}：只有一个可比年份，无法描述变化。",
    },
    "trend_chart_desc": {
        "en": "Line chart of Gini, Theil T and coefficient of variation of {indicator} by year.",
        "zh": "{indicator}的基尼系数、泰尔指数T和变异系数逐年折线图。",
    },
    "trend_between_share": {"en": "Between-group share", "zh": "组间占比"},
    "year_col": {"en": "Year", "zh": "年份"},
    "segment": {"en": "Comparable run", "zh": "可比区段"},
    # --- clusters: corrections, permutations, Gi* ---
    "correction": {"en": "Multiple-testing correction", "zh": "多重检验校正"},
    "correction_none": {"en": "none", "zh": "不校正"},
    "correction_fdr": {
        "en": "false discovery rate (Benjamini–Hochberg)",
        "zh": "错误发现率（Benjamini–Hochberg）",
    },
    "correction_bonferroni": {"en": "Bonferroni", "zh": "Bonferroni"},
    "after_none": {"en": "without correction", "zh": "不校正"},
    "after_fdr": {
        "en": "after false discovery rate (Benjamini–Hochberg) correction",
        "zh": "经错误发现率（Benjamini–Hochberg）校正",
    },
    "after_bonferroni": {"en": "after Bonferroni correction", "zh": "经 Bonferroni 校正"},
    "permutations": {"en": "Permutations", "zh": "置换次数"},
    "method_lisa": {"en": "Local Moran (LISA)", "zh": "局部莫兰指数（LISA）"},
    "method_gi_star": {"en": "Getis-Ord Gi* hot spots", "zh": "Getis-Ord Gi* 热点分析"},
    "gi_title": {"en": "Hot and cold spots (Getis-Ord Gi*)", "zh": "冷热点（Getis-Ord Gi*）"},
    "gi_hot99": {"en": "Hot spot, 99 % confidence", "zh": "热点，99%置信度"},
    "gi_hot95": {"en": "Hot spot, 95 % confidence", "zh": "热点，95%置信度"},
    "gi_hot90": {"en": "Hot spot, 90 % confidence", "zh": "热点，90%置信度"},
    "gi_cold99": {"en": "Cold spot, 99 % confidence", "zh": "冷点，99%置信度"},
    "gi_cold95": {"en": "Cold spot, 95 % confidence", "zh": "冷点，95%置信度"},
    "gi_cold90": {"en": "Cold spot, 90 % confidence", "zh": "冷点，90%置信度"},
    "gi_ns": {"en": "Not significant", "zh": "不显著"},
    "p_floor": {"en": "p ≤ {p}", "zh": "p ≤ {p}"},
    "local_summary": {
        "en": "{method} of {indicator} across {units}{year}: {k} of {n} units significant at "
        "{alpha} {correction} ({permutations} conditional permutations, ties counted "
        "against significance).",
        "zh": "{year}{units}{indicator}的{method}：{n}个单位中有{k}个在{alpha}水平上显著"
        "（{correction}；{permutations}次条件置换，并列值计为不显著方向）。",
    },
    "local_floor_note": {
        "en": "With {permutations} permutations the smallest p-value is {floor}; under "
        "{correction} a unit needs p ≤ {needed}, which {reach}",
        "zh": "{permutations}次置换时最小p值为{floor}；{correction}要求p ≤ {needed}，{reach}",
    },
    "floor_reachable": {"en": "can be reached.", "zh": "可以达到。"},
    "floor_unreachable": {
        "en": "cannot be reached: raise the permutations.",
        "zh": "无法达到：请增加置换次数。",
    },
    "moran_sentence": {
        "en": "Global Moran's I of {indicator} across {units}{year} = {i} (expected {e}; "
        "{p}, {permutations} permutations): {verdict}",
        "zh": "{year}{units}{indicator}的全局莫兰指数 I = {i}（期望值 {e}；{p}，"
        "{permutations}次置换）：{verdict}",
    },
    "rate_moran_sentence": {
        "en": "Rate-smoothed Moran's I of {indicator} ({numerator} over {denominator}, "
        "empirical-Bayes standardised) across {units}{year} = {i} ({p}, {permutations} "
        "permutations).",
        "zh": "{year}{units}{indicator}的比率平滑莫兰指数（{numerator}÷{denominator}，"
        "经验贝叶斯标准化）I = {i}（{p}，{permutations}次置换）。",
    },
    "clusters_note_v2": {
        "en": "Local Moran's I (LISA) compares each unit with the mean of its neighbours (shared "
        "border or corner): High–High is a hot spot, Low–Low a cold spot, High–Low and "
        "Low–High a unit unlike its neighbours. Getis-Ord Gi* finds areas where high (hot "
        "spot) or low (cold spot) values gather. p-values come from conditional "
        "permutations in which simulated values equal "
        "to the observed one count against significance, so large groups of tied values "
        "(many zeros) are not reported as clusters. The default correction is the false "
        "discovery rate (Benjamini–Hochberg) over all units tested.",
        "zh": "局部莫兰指数（LISA）将每个单位与其相邻单位（共边或共点）的均值比较："
        "高–高为热点，低–低为冷点，高–低和低–高为与周边不同的单位；"
        "Getis-Ord Gi* 识别高值（热点）或低值（冷点）聚集的区域。p 值来自条件置换检验，"
        "与观测值相等的模拟值计为不显著方向，因此大量并列值（如大量为0）不会被误报为集聚。"
        "默认对全部被检验单位做错误发现率（Benjamini–Hochberg）校正。",
    },
    "clusters_method_v2": {
        "en": "Queen contiguity from the boundaries (libpysal), row-standardised (Gi*: binary "
        "with the unit itself); statistics by esda; {permutations} conditional permutations, "
        "seed {seed}; correction: {correction}. Values as given.",
        "zh": "由边界多边形构建的后式（Queen）邻接矩阵（libpysal），"
        "行标准化（Gi*：含自身的二值权重）；"
        "统计量由 esda 计算；{permutations}次条件置换，随机种子 {seed}；校正：{correction}。"
        "数值按原样计算。",
    },
    "method": {"en": "Method", "zh": "方法"},
    "permutations_count": {"en": "{n} permutations", "zh": "{n}次置换"},
    "default_mark": {"en": " (default)", "zh": "（默认）"},
    "menu_correction_fdr": {"en": "FDR (Benjamini–Hochberg)", "zh": "错误发现率（BH）"},
    "menu_correction_none": {"en": "none", "zh": "不校正"},
    "menu_correction_bonferroni": {"en": "Bonferroni", "zh": "Bonferroni"},
    "adjusted_p": {"en": "adjusted p", "zh": "校正后 p"},
}
