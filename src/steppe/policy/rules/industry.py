"""GB/T 4754-2017 industry codes: map a code to its section letter and division number.

Accepted forms: "C1610", "C16", "1610", "16", "C" (a section letter alone).
"""

from __future__ import annotations

import re

# GB/T 4754-2017: section letter -> inclusive range of two-digit divisions.
SECTIONS: dict[str, tuple[int, int]] = {
    "A": (1, 5),
    "B": (6, 12),
    "C": (13, 43),
    "D": (44, 46),
    "E": (47, 50),
    "F": (51, 52),
    "G": (53, 60),
    "H": (61, 62),
    "I": (63, 65),
    "J": (66, 69),
    "K": (70, 70),
    "L": (71, 72),
    "M": (73, 75),
    "N": (76, 79),
    "O": (80, 82),
    "P": (83, 83),
    "Q": (84, 85),
    "R": (86, 90),
    "S": (91, 96),
    "T": (97, 97),
}

_CODE = re.compile(r"^([A-T])?(\d{2}(?:\d{1,2})?)?$")


class IndustryCodeError(ValueError):
    pass


def parse(code: str) -> tuple[str, int | None]:
    """Return (section letter, division or None). Raises IndustryCodeError for a malformed code."""
    text = str(code).strip().upper()
    m = _CODE.match(text)
    if not text or not m or (m.group(1) is None and m.group(2) is None):
        raise IndustryCodeError(f"not a GB/T 4754-2017 code: {code!r}")
    letter, digits = m.group(1), m.group(2)
    division = int(digits[:2]) if digits else None
    if division is not None:
        found = next((s for s, (lo, hi) in SECTIONS.items() if lo <= division <= hi), None)
        if found is None:
            raise IndustryCodeError(f"unknown GB/T 4754-2017 division in {code!r}")
        if letter and letter != found:
            raise IndustryCodeError(
                f"division {division:02d} belongs to section {found}, not {letter}: {code!r}"
            )
        letter = found
    return letter, division


def matches(code: str, entry: str) -> bool:
    """Whether an industry code falls under a list entry such as "F" or "C16" or "R90"."""
    section, division = parse(code)
    e_section, e_division = parse(entry)
    if section != e_section:
        return False
    return e_division is None or division == e_division


def share_of(income_by_industry: dict[str, float], entries: list[str]) -> float:
    """Sum of the amounts whose code falls under any entry."""
    return float(sum(v for k, v in income_by_industry.items() if any(matches(k, e) for e in entries)))


# GB/T 4754-2017 divisions (大类) with their names: the calculator's industry picker.
DIVISION_NAMES: dict[str, str] = {
    "01": "农业", "02": "林业", "03": "畜牧业", "04": "渔业", "05": "农、林、牧、渔专业及辅助性活动",
    "06": "煤炭开采和洗选业", "07": "石油和天然气开采业", "08": "黑色金属矿采选业", "09": "有色金属矿采选业",
    "10": "非金属矿采选业", "11": "开采专业及辅助性活动", "12": "其他采矿业",
    "13": "农副食品加工业", "14": "食品制造业", "15": "酒、饮料和精制茶制造业", "16": "烟草制品业",
    "17": "纺织业", "18": "纺织服装、服饰业", "19": "皮革、毛皮、羽毛及其制品和制鞋业",
    "20": "木材加工和木、竹、藤、棕、草制品业", "21": "家具制造业", "22": "造纸和纸制品业",
    "23": "印刷和记录媒介复制业", "24": "文教、工美、体育和娱乐用品制造业",
    "25": "石油、煤炭及其他燃料加工业", "26": "化学原料和化学制品制造业", "27": "医药制造业",
    "28": "化学纤维制造业", "29": "橡胶和塑料制品业", "30": "非金属矿物制品业",
    "31": "黑色金属冶炼和压延加工业", "32": "有色金属冶炼和压延加工业", "33": "金属制品业",
    "34": "通用设备制造业", "35": "专用设备制造业", "36": "汽车制造业",
    "37": "铁路、船舶、航空航天和其他运输设备制造业", "38": "电气机械和器材制造业",
    "39": "计算机、通信和其他电子设备制造业", "40": "仪器仪表制造业", "41": "其他制造业",
    "42": "废弃资源综合利用业", "43": "金属制品、机械和设备修理业",
    "44": "电力、热力生产和供应业", "45": "燃气生产和供应业", "46": "水的生产和供应业",
    "47": "房屋建筑业", "48": "土木工程建筑业", "49": "建筑安装业", "50": "建筑装饰、装修和其他建筑业",
    "51": "批发业", "52": "零售业",
    "53": "铁路运输业", "54": "道路运输业", "55": "水上运输业", "56": "航空运输业", "57": "管道运输业",
    "58": "多式联运和运输代理业", "59": "装卸搬运和仓储业", "60": "邮政业",
    "61": "住宿业", "62": "餐饮业",
    "63": "电信、广播电视和卫星传输服务", "64": "互联网和相关服务", "65": "软件和信息技术服务业",
    "66": "货币金融服务", "67": "资本市场服务", "68": "保险业", "69": "其他金融业",
    "70": "房地产业", "71": "租赁业", "72": "商务服务业",
    "73": "研究和试验发展", "74": "专业技术服务业", "75": "科技推广和应用服务业",
    "76": "水利管理业", "77": "生态保护和环境治理业", "78": "公共设施管理业", "79": "土地管理业",
    "80": "居民服务业", "81": "机动车、电子产品和日用产品修理业", "82": "其他服务业",
    "83": "教育", "84": "卫生", "85": "社会工作",
    "86": "新闻和出版业", "87": "广播、电视、电影和录音制作业", "88": "文化艺术业", "89": "体育", "90": "娱乐业",
    "91": "中国共产党机关", "92": "国家机构", "93": "人民政协、民主党派", "94": "社会保障",
    "95": "群众团体、社会团体和其他成员组织", "96": "基层群众自治组织及其他组织",
    "97": "国际组织",
}  # fmt: skip


# The same divisions in English (the National Bureau of Statistics' English names of GB/T 4754-2017,
# shortened where it spells out "Industry of"): the picker on English pages.
DIVISION_NAMES_EN: dict[str, str] = {
    "01": "Agriculture", "02": "Forestry", "03": "Animal husbandry", "04": "Fishery",
    "05": "Support activities for agriculture, forestry, animal husbandry and fishery",
    "06": "Mining and washing of coal", "07": "Extraction of petroleum and natural gas",
    "08": "Mining and processing of ferrous metal ores", "09": "Mining and processing of non-ferrous metal ores",
    "10": "Mining and processing of non-metal ores", "11": "Support activities for mining", "12": "Other mining",
    "13": "Processing of food from agricultural products", "14": "Food manufacturing",
    "15": "Manufacture of liquor, beverages and refined tea", "16": "Manufacture of tobacco",
    "17": "Manufacture of textiles", "18": "Manufacture of textile wearing apparel and clothing",
    "19": "Manufacture of leather, fur, feather and related products and footwear",
    "20": "Processing of timber and manufacture of wood, bamboo, rattan, palm and straw products",
    "21": "Manufacture of furniture", "22": "Manufacture of paper and paper products",
    "23": "Printing and reproduction of recording media",
    "24": "Manufacture of articles for culture, education, arts and crafts, sport and entertainment",
    "25": "Processing of petroleum, coal and other fuels", "26": "Manufacture of raw chemical materials and chemical products",
    "27": "Manufacture of medicines", "28": "Manufacture of chemical fibres", "29": "Manufacture of rubber and plastics products",
    "30": "Manufacture of non-metallic mineral products", "31": "Smelting and pressing of ferrous metals",
    "32": "Smelting and pressing of non-ferrous metals", "33": "Manufacture of metal products",
    "34": "Manufacture of general-purpose machinery", "35": "Manufacture of special-purpose machinery",
    "36": "Manufacture of automobiles",
    "37": "Manufacture of railway, ship, aerospace and other transport equipment",
    "38": "Manufacture of electrical machinery and apparatus",
    "39": "Manufacture of computers, communication and other electronic equipment",
    "40": "Manufacture of measuring instruments and meters", "41": "Other manufacturing",
    "42": "Utilisation of waste resources", "43": "Repair of metal products, machinery and equipment",
    "44": "Production and supply of electric power and heat", "45": "Production and supply of gas",
    "46": "Production and supply of water",
    "47": "Construction of buildings", "48": "Civil engineering", "49": "Installation activities",
    "50": "Building decoration, renovation and other construction",
    "51": "Wholesale trade", "52": "Retail trade",
    "53": "Rail transport", "54": "Road transport", "55": "Water transport", "56": "Air transport",
    "57": "Pipeline transport", "58": "Multimodal transport and transport agencies",
    "59": "Loading, unloading, handling and warehousing", "60": "Postal services",
    "61": "Accommodation", "62": "Catering services",
    "63": "Telecommunications, radio and television and satellite transmission services",
    "64": "Internet and related services", "65": "Software and information technology services",
    "66": "Monetary and financial services", "67": "Capital market services", "68": "Insurance",
    "69": "Other financial activities",
    "70": "Real estate", "71": "Leasing", "72": "Business services",
    "73": "Research and experimental development", "74": "Professional technical services",
    "75": "Technology promotion and application services",
    "76": "Water conservancy management", "77": "Ecological protection and environmental management",
    "78": "Management of public facilities", "79": "Land management",
    "80": "Services to households", "81": "Repair of motor vehicles, electronic products and daily-use products",
    "82": "Other services",
    "83": "Education", "84": "Health", "85": "Social work",
    "86": "News and publishing", "87": "Radio, television, film and sound recording production",
    "88": "Culture and arts", "89": "Sports", "90": "Entertainment",
    "91": "Organs of the Communist Party of China", "92": "State organs",
    "93": "CPPCC and democratic parties", "94": "Social security",
    "95": "Mass organisations, social organisations and other membership organisations",
    "96": "Grass-roots self-governing mass organisations and other organisations",
    "97": "International organisations",
}  # fmt: skip


def division_name(division: str, *, english: bool = False) -> str:
    """A division's name ("39"), in English when asked; "" for an unknown division."""
    return (DIVISION_NAMES_EN if english else DIVISION_NAMES).get(division, "")


def division_choices(*, english: bool = False) -> list[tuple[str, str]]:
    """("C39", "C39 计算机、通信和其他电子设备制造业") for every division, in code order; the English
    names with ``english``."""
    out = []
    for num in DIVISION_NAMES:
        letter, _ = parse(num)
        out.append((f"{letter}{num}", f"{letter}{num} {division_name(num, english=english)}"))
    return out
