"""Where the demo customers are: Chinese ones in real provinces and cities (with a district and the city's postcode),
English-speaking ones abroad, each with a phone number of its country. Faker supplies the street and the people;
Faker alone would pair any province with any city (辽宁省兰州市), which a Chinese reader notices at once."""

import random
from dataclasses import dataclass

from faker import Faker

# province (the dossier's region) → city → (postcode, telephone area code, districts); municipalities are their own
# province
CHINA: dict[str, dict[str, tuple[str, str, tuple[str, ...]]]] = {
    "浙江省": {
        "杭州市": ("310000", "0571", ("西湖区", "萧山区", "余杭区")),
        "宁波市": ("315000", "0574", ("鄞州区", "北仑区")),
        "温州市": ("325000", "0577", ("龙湾区", "瓯海区")),
        "台州市": ("318000", "0576", ("椒江区", "黄岩区")),
    },
    "江苏省": {
        "南京市": ("210000", "025", ("江宁区", "栖霞区")),
        "苏州市": ("215000", "0512", ("工业园区", "吴中区")),
        "无锡市": ("214000", "0510", ("滨湖区", "新吴区")),
        "常州市": ("213000", "0519", ("武进区", "新北区")),
    },
    "广东省": {
        "广州市": ("510000", "020", ("黄埔区", "番禺区")),
        "深圳市": ("518000", "0755", ("南山区", "宝安区")),
        "佛山市": ("528000", "0757", ("顺德区", "南海区")),
        "东莞市": ("523000", "0769", ("长安镇", "松山湖")),
    },
    "山东省": {
        "济南市": ("250000", "0531", ("历下区", "章丘区")),
        "青岛市": ("266000", "0532", ("黄岛区", "城阳区")),
        "淄博市": ("255000", "0533", ("张店区", "临淄区")),
        "烟台市": ("264000", "0535", ("芝罘区", "福山区")),
    },
    "上海市": {"上海市": ("200000", "021", ("浦东新区", "闵行区", "嘉定区", "宝山区"))},
    "北京市": {"北京市": ("100000", "010", ("朝阳区", "大兴区", "顺义区"))},
    "天津市": {"天津市": ("300000", "022", ("滨海新区", "西青区"))},
    "重庆市": {"重庆市": ("400000", "023", ("渝北区", "江津区"))},
    "河北省": {
        "石家庄市": ("050000", "0311", ("长安区", "栾城区")),
        "唐山市": ("063000", "0315", ("路北区", "曹妃甸区")),
    },
    "河南省": {"郑州市": ("450000", "0371", ("金水区", "中原区")), "洛阳市": ("471000", "0379", ("涧西区", "洛龙区"))},
    "湖北省": {"武汉市": ("430000", "027", ("江汉区", "东西湖区")), "宜昌市": ("443000", "0717", ("西陵区", "猇亭区"))},
    "四川省": {"成都市": ("610000", "028", ("武侯区", "新都区")), "德阳市": ("618000", "0838", ("旌阳区", "广汉市"))},
    "辽宁省": {"沈阳市": ("110000", "024", ("铁西区", "浑南区")), "大连市": ("116000", "0411", ("甘井子区", "金州区"))},
    "福建省": {"福州市": ("350000", "0591", ("鼓楼区", "马尾区")), "泉州市": ("362000", "0595", ("丰泽区", "晋江市"))},
    "陕西省": {"西安市": ("710000", "029", ("雁塔区", "未央区")), "宝鸡市": ("721000", "0917", ("渭滨区", "金台区"))},
    "湖南省": {"长沙市": ("410000", "0731", ("岳麓区", "雨花区")), "株洲市": ("412000", "0731", ("天元区", "荷塘区"))},
}
MUNICIPALITIES = frozenset({"上海市", "北京市", "天津市", "重庆市"})
# the industrial provinces come up more often, as a valve maker's customers do
PROVINCE_WEIGHTS = {"浙江省": 5, "江苏省": 5, "广东省": 4, "山东省": 4, "上海市": 3}

# country (the dossier's region) → its dialling code and (city, postcode) pairs
ABROAD: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {
    "Germany": ("+49", (("Hamburg", "20095"), ("Düsseldorf", "40213"), ("Mannheim", "68159"))),
    "United Kingdom": ("+44", (("Aberdeen", "AB10 1XG"), ("Manchester", "M1 1AE"), ("Teesside", "TS2 1DJ"))),
    "United States": ("+1", (("Houston, TX", "77002"), ("Pittsburgh, PA", "15222"), ("Baton Rouge, LA", "70801"))),
    "Singapore": ("+65", (("Singapore", "628110"),)),
    "Australia": ("+61", (("Perth, WA", "6000"), ("Brisbane, QLD", "4000"))),
    "United Arab Emirates": ("+971", (("Dubai", ""), ("Abu Dhabi", ""))),
    "Malaysia": ("+60", (("Johor Bahru", "80000"), ("Kuala Lumpur", "50450"))),
}
ENGLISH_LOCALES = {"United Kingdom": "en_GB", "Australia": "en_AU"}  # the rest: en_US names and streets

CHINESE_TRADES = ("阀门", "化工", "石化设备", "水务工程", "流体控制", "机电设备", "管道工程", "热电", "冶金设备")
ENGLISH_TRADES = (
    "Valves",
    "Flow Control",
    "Process Equipment",
    "Pipeline Services",
    "Engineering",
    "Industrial Supply",
)
FORM_OF_COUNTRY = {
    "Germany": "GmbH",
    "United Kingdom": "Ltd",
    "United States": "Inc.",
    "Singapore": "Pte Ltd",
    "Australia": "Pty Ltd",
    "United Arab Emirates": "LLC",
    "Malaysia": "Sdn Bhd",
}


@dataclass(frozen=True, slots=True)
class Place:
    """Where a demo customer is, and the Faker that speaks its language."""

    chinese: bool
    region: str  # province or municipality in China; the country abroad
    city: str
    postcode: str
    address: str
    phone: str
    fake: Faker

    def company_name(self, rng: random.Random) -> str:
        if self.chinese:
            city = self.city.removesuffix("市")
            return f"{city}{self.fake.company_prefix()}{rng.choice(CHINESE_TRADES)}有限公司"
        return f"{self.fake.last_name()} {rng.choice(ENGLISH_TRADES)} {FORM_OF_COUNTRY[self.region]}"


def chinese_place(rng: random.Random) -> Place:
    provinces = list(CHINA)
    province = rng.choices(provinces, weights=[PROVINCE_WEIGHTS.get(p, 2) for p in provinces])[0]
    city = rng.choice(list(CHINA[province]))
    postcode, area, districts = CHINA[province][city]
    fake = Faker("zh_CN")
    fake.seed_instance(rng.randint(0, 10**9))
    prefix = "" if province in MUNICIPALITIES else province
    street = f"{rng.choice(districts)}{fake.street_name()}{rng.randrange(1, 999)}号"
    phone = f"{area}-{rng.randrange(10**7, 10**8)}" if rng.random() < 0.6 else fake.phone_number()
    return Place(True, province, city, postcode, f"{prefix}{city}{street}", phone, fake)


def place_abroad(rng: random.Random) -> Place:
    country = rng.choice(list(ABROAD))
    code, cities = ABROAD[country]
    city, postcode = rng.choice(cities)
    fake = Faker(ENGLISH_LOCALES.get(country, "en_US"))
    fake.seed_instance(rng.randint(0, 10**9))
    address = ", ".join(part for part in (fake.street_address(), f"{postcode} {city}".strip(), country) if part)
    phone = f"{code} {rng.randrange(10, 99)} {rng.randrange(1000, 9999)} {rng.randrange(1000, 9999)}"
    return Place(False, country, city, postcode, address, phone, fake)


def demo_place(rng: random.Random) -> Place:
    """Seven customers in ten are in China."""
    return chinese_place(rng) if rng.random() < 0.7 else place_abroad(rng)
