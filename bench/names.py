"""Word lists for the synthetic data: names in Latin script with their own-script form
(Kazakh Cyrillic with ә ғ қ ң ө ұ ү һ і, Russian, Japanese, Chinese, Korean), festivals,
titles and meeting notes. Only data: the generator (bench.data) combines them."""
from __future__ import annotations

# Countries of organizations, with weights (sum 100) and cities.
COUNTRIES = (
    ("KZ", 24, ("Almaty", "Astana", "Shymkent", "Karaganda")),
    ("RU", 10, ("Moscow", "Saint Petersburg", "Kazan")),
    ("JP", 10, ("Tokyo", "Osaka", "Kyoto")),
    ("CN", 10, ("Beijing", "Shanghai", "Urumqi", "Xi'an")),
    ("FR", 8, ("Paris", "Lyon", "Marseille")),
    ("DE", 6, ("Berlin", "Munich", "Hamburg")),
    ("US", 6, ("Los Angeles", "New York")),
    ("KR", 5, ("Seoul", "Busan")),
    ("GB", 5, ("London", "Manchester")),
    ("IT", 4, ("Rome", "Milan")),
    ("UZ", 3, ("Tashkent", "Samarkand")),
    ("TR", 3, ("Istanbul", "Ankara")),
    ("KG", 2, ("Bishkek",)),
    ("IN", 2, ("Mumbai", "Chennai")),
    ("ES", 2, ("Madrid", "Barcelona")),
)

# (Latin, own script) given names by gender, and surnames (male form).
KZ_GIVEN_M = (("Erlan", "Ерлан"), ("Nurlan", "Нұрлан"), ("Dauren", "Дәурен"),
              ("Galym", "Ғалым"), ("Askar", "Асқар"), ("Bakhytzhan", "Баһытжан"),
              ("Kanat", "Қанат"), ("Serik", "Серік"), ("Olzhas", "Олжас"), ("Yerzhan", "Ержан"),
              ("Temirlan", "Темірлан"), ("Kuanysh", "Қуаныш"), ("Almas", "Алмас"),
              ("Bolat", "Болат"), ("Rustem", "Рүстем"), ("Ongar", "Оңғар"), ("Akan", "Ақан"),
              ("Zhomart", "Жомарт"), ("Ilyas", "Ілияс"), ("Oraz", "Ораз"))
KZ_GIVEN_F = (("Aigerim", "Әйгерім"), ("Asel", "Әсел"), ("Gulnur", "Гүлнұр"),
              ("Saule", "Сәуле"), ("Aruzhan", "Аружан"), ("Zhanar", "Жанар"),
              ("Madina", "Мәдина"), ("Dinara", "Динара"), ("Ainur", "Айнұр"),
              ("Shahizada", "Шаһизада"), ("Zhuldyz", "Жұлдыз"), ("Gaukhar", "Гауһар"),
              ("Nazerke", "Назерке"), ("Akmaral", "Ақмарал"), ("Togzhan", "Тоғжан"),
              ("Ulpan", "Ұлпан"), ("Inkar", "Іңкәр"), ("Balnur", "Балнұр"))
KZ_SURNAMES = (("Nurmukhambetov", "Нұрмұхамбетов"), ("Sataev", "Сатаев"),
               ("Omarov", "Омаров"), ("Kurmangaliev", "Құрманғалиев"),
               ("Abdrakhmanov", "Әбдірахманов"), ("Zhakupov", "Жақыпов"),
               ("Seitkaliev", "Сейітқалиев"), ("Tokhtarov", "Тоқтаров"),
               ("Beisenov", "Бейсенов"), ("Ospanov", "Оспанов"), ("Yesenov", "Есенов"),
               ("Kassymov", "Қасымов"), ("Mukhametzhanov", "Мұхаметжанов"),
               ("Zhumabekov", "Жұмабеков"), ("Tuleuov", "Төлеуов"),
               ("Baimukhanov", "Баймұханов"), ("Yergaliev", "Ерғалиев"),
               ("Amanzholov", "Аманжолов"), ("Iskakov", "Ысқақов"), ("Shakhmetov", "Шаһметов"),
               ("Ongarbaev", "Оңғарбаев"), ("Uteshov", "Өтешов"), ("Kenzhebaev", "Кенжебаев"),
               ("Nurgaliev", "Нұрғалиев"), ("Sagyndykov", "Сағындықов"))
KZ_PATRONYMIC_SURNAMES = (("Sarsenbaikyzy", "Сәрсенбайқызы"), ("Amanuly", "Аманұлы"),
                          ("Qairatuly", "Қайратұлы"), ("Erbolkyzy", "Ерболқызы"))

RU_GIVEN_M = (("Ivan", "Иван"), ("Dmitry", "Дмитрий"), ("Sergei", "Сергей"),
              ("Alexei", "Алексей"), ("Andrei", "Андрей"), ("Mikhail", "Михаил"),
              ("Pavel", "Павел"), ("Nikolai", "Николай"), ("Yuri", "Юрий"), ("Oleg", "Олег"))
RU_GIVEN_F = (("Anna", "Анна"), ("Olga", "Ольга"), ("Elena", "Елена"),
              ("Natalia", "Наталья"), ("Maria", "Мария"), ("Tatiana", "Татьяна"),
              ("Svetlana", "Светлана"), ("Irina", "Ирина"), ("Yulia", "Юлия"))
RU_SURNAMES = (("Ivanov", "Иванов"), ("Smirnov", "Смирнов"), ("Kuznetsov", "Кузнецов"),
               ("Popov", "Попов"), ("Sokolov", "Соколов"), ("Lebedev", "Лебедев"),
               ("Kozlov", "Козлов"), ("Novikov", "Новиков"), ("Morozov", "Морозов"),
               ("Volkov", "Волков"), ("Fyodorov", "Фёдоров"), ("Belov", "Белов"),
               ("Zaitsev", "Зайцев"), ("Orlov", "Орлов"))

# Japanese: Latin "Given Family", own script "家族名前" (family name first).
JP_GIVEN = (("Hirokazu", "裕和"), ("Kenji", "健二"), ("Takeshi", "武"), ("Haruki", "春樹"),
            ("Daisuke", "大輔"), ("Ryo", "亮"), ("Shozo", "尚三"), ("Makoto", "誠"),
            ("Yui", "結衣"), ("Aoi", "葵"), ("Naomi", "直美"), ("Lisa", "リサ"),
            ("Emi", "恵美"), ("Yoko", "洋子"), ("Kanako", "加奈子"), ("Satoshi", "聡"))
JP_SURNAMES = (("Sato", "佐藤"), ("Suzuki", "鈴木"), ("Takahashi", "高橋"), ("Tanaka", "田中"),
               ("Watanabe", "渡辺"), ("Ito", "伊藤"), ("Yamamoto", "山本"),
               ("Nakamura", "中村"), ("Kobayashi", "小林"), ("Kato", "加藤"),
               ("Yoshida", "吉田"), ("Yamada", "山田"), ("Ichiyama", "市山"), ("Takeba", "竹葉"),
               ("Matsumoto", "松本"), ("Inoue", "井上"))

# Chinese: Latin "Family Given", own script "姓名".
CN_GIVEN = (("Wei", "伟"), ("Fang", "芳"), ("Min", "敏"), ("Jing", "静"), ("Lei", "磊"),
            ("Jun", "军"), ("Yang", "洋"), ("Yong", "勇"), ("Jie", "杰"), ("Xiaoming", "晓明"),
            ("Lina", "丽娜"), ("Haoran", "浩然"), ("Yifan", "一凡"), ("Zihan", "子涵"),
            ("Jiayi", "佳怡"), ("Yuxuan", "宇轩"))
CN_SURNAMES = (("Wang", "王"), ("Li", "李"), ("Zhang", "张"), ("Liu", "刘"), ("Chen", "陈"),
               ("Yang", "杨"), ("Zhao", "赵"), ("Huang", "黄"), ("Zhou", "周"), ("Wu", "吴"),
               ("Xu", "徐"), ("Sun", "孙"), ("Ma", "马"), ("Zhu", "朱"), ("Hu", "胡"),
               ("Guo", "郭"))

KR_GIVEN = (("Min-jun", "민준"), ("Seo-yeon", "서연"), ("Ji-ho", "지호"), ("Ha-eun", "하은"),
            ("Joon-ho", "준호"), ("Soo-min", "수민"), ("Dong-hyun", "동현"), ("Ye-jin", "예진"))
KR_SURNAMES = (("Kim", "김"), ("Lee", "이"), ("Park", "박"), ("Choi", "최"), ("Jung", "정"),
               ("Kang", "강"), ("Cho", "조"), ("Yoon", "윤"))

# Latin-only names (accents included) for the other countries.
WESTERN_GIVEN = ("François", "Amélie", "Jürgen", "Søren", "Chloé", "Matteo", "Giulia",
                 "Lucas", "Emma", "Olivia", "James", "Sophie", "Hannah", "Pierre", "Élodie",
                 "Marco", "Laura", "Daniel", "Mehmet", "Ayşe", "Dilnoza", "Bekzod", "Aibek",
                 "Priya", "Arjun", "Lucía", "Javier", "Zoë", "Björn", "Małgorzata")
WESTERN_SURNAMES = ("Dubois", "Moreau", "Müller", "Schneider", "Rossi", "Bianchi", "Smith",
                    "Johnson", "Brown", "Taylor", "Martin", "Bernard", "Fischer", "Weber",
                    "Yılmaz", "Kaya", "Karimov", "Usmonov", "Sharma", "Iyer", "García",
                    "Fernández", "Lindqvist", "Nowak", "Esposito", "Leclerc", "O'Connor",
                    "Abdyldaev", "Toktogulov", "Ricci")

# Organization name parts per script: (Latin, own script).
KZ_ORG_WORDS = (("Altyn", "Алтын"), ("Dala", "Дала"), ("Kokzhiek", "Көкжиек"),
                ("Aruana", "Аруана"), ("Tengri", "Тәңірі"), ("Saryarka", "Сарыарқа"),
                ("Baiterek", "Бәйтерек"), ("Shanyrak", "Шаңырақ"), ("Zhuldyz", "Жұлдыз"),
                ("Aksuat", "Ақсуат"), ("Tulpar", "Тұлпар"), ("Samruk", "Самұрық"),
                ("Kokpar", "Көкпар"), ("Alatau", "Алатау"), ("Ertis", "Ертіс"),
                ("Zhetisu", "Жетісу"), ("Kazyna", "Қазына"), ("Umai", "Ұмай"),
                ("Bozaigyr", "Бозайғыр"), ("Keruen", "Керуен"), ("Ulytau", "Ұлытау"),
                ("Kunshuak", "Күншуақ"), ("Akbota", "Ақбота"), ("Shalkar", "Шалқар"))
KZ_ORG_SUFFIXES = (("Film", "фильм"), ("Pictures", "пикчерс"), ("Production", "продакшн"),
                   ("Studio", "киностудиясы"), ("Media", "медиа"), ("Kino", "кино"))
RU_ORG_WORDS = (("Sever", "Север"), ("Zvezda", "Звезда"), ("Ural", "Урал"), ("Neva", "Нева"),
                ("Volga", "Волга"), ("Rodina", "Родина"), ("Mayak", "Маяк"),
                ("Sokol", "Сокол"), ("Ark", "Ковчег"), ("Metronom", "Метроном"),
                ("Gorizont", "Горизонт"), ("Sputnik", "Спутник"))
RU_ORG_SUFFIXES = (("Film", "Фильм"), ("Studio", "Студия"), ("Production", "Продакшн"),
                   ("Kino", "Кино"), ("Media", "Медиа"))
JP_ORG_WORDS = (("Tokyo", "東京"), ("Osaka", "大阪"), ("Kyoto", "京都"), ("Sakura", "桜"),
                ("Aozora", "青空"), ("Hikari", "光"), ("Nippon", "日本"), ("Tsuki", "月"),
                ("Umi", "海"), ("Shinsei", "新星"), ("Kaze", "風"), ("Yume", "夢"))
JP_ORG_SUFFIXES = (("Pictures", "ピクチャーズ"), ("Films", "フィルムズ"), ("Cinema", "シネマ"),
                   ("Studio", "スタジオ"), ("Entertainment", "エンタテインメント"),
                   ("New Cinema", "ニューシネマ"))
CN_ORG_WORDS = (("Beijing", "北京"), ("Shanghai", "上海"), ("Huaxia", "华夏"),
                ("Changcheng", "长城"), ("Jinse", "金色"), ("Tianshan", "天山"),
                ("Dongfang", "东方"), ("Silu", "丝路"), ("Longteng", "龙腾"), ("Xinghe", "星河"),
                ("Huanyu", "寰宇"), ("Zijin", "紫金"))
CN_ORG_SUFFIXES = (("Film", "电影"), ("Pictures", "影业"), ("Media", "传媒"),
                   ("Culture", "文化"), ("Film Group", "电影集团"))
KR_ORG_WORDS = (("Hanbit", "한빛"), ("Arirang", "아리랑"), ("Nuri", "누리"), ("Saebyeok", "새벽"),
                ("Baram", "바람"), ("Haneul", "하늘"))
KR_ORG_SUFFIXES = (("Pictures", "픽쳐스"), ("Films", "필름"), ("Entertainment", "엔터테인먼트"))
WESTERN_ORG_WORDS = ("Atelier", "Lumière", "Nordlicht", "Blue Harbor", "Redwood",
                     "Silver Line", "Bright Star", "Les Films du Nord", "Fabula", "Nomad",
                     "Horizon", "Parallax", "Cinétique", "Odeon", "Alpenglow", "Iron Gate",
                     "Mistral", "Saltwater", "Golden Hour", "Kaleidoscope", "Samarkand",
                     "Caravan", "Ala-Too", "Bosphorus", "Monsoon", "Meridian", "Vega",
                     "Aurora", "Obsidian", "Polaris")
WESTERN_ORG_SUFFIXES = ("Films", "Pictures", "Productions", "Media", "Film", "Studio")

KIND_SUFFIXES = {  # Latin suffix for kinds whose name says what they are
    "distributor": ("Distribution", "Releasing"),
    "sales_agent": ("Sales", "International"),
    "broadcaster": ("TV", "Broadcasting"),
    "fund": ("Film Fund", "Cinema Fund"),
    "festival": ("Film Festival",),
}

# Title lexicon: (English, Kazakh, Russian, Japanese, Chinese).
TITLE_NOUNS = (
    ("Horse", "жылқы", "Лошадь", "馬", "马"), ("Steppe", "дала", "Степь", "草原", "草原"),
    ("River", "өзен", "Река", "川", "河"), ("Mountain", "тау", "Гора", "山", "山"),
    ("Wind", "жел", "Ветер", "風", "风"), ("Song", "ән", "Песня", "歌", "歌"),
    ("Composer", "композитор", "Композитор", "作曲家", "作曲家"),
    ("Daughter", "қыз", "Дочь", "娘", "女儿"), ("Road", "жол", "Дорога", "道", "路"),
    ("Eagle", "бүркіт", "Орёл", "鷲", "鹰"), ("Winter", "қыс", "Зима", "冬", "冬天"),
    ("Moon", "ай", "Луна", "月", "月亮"), ("Garden", "бақ", "Сад", "庭", "花园"),
    ("City", "қала", "Город", "街", "城市"), ("Shepherd", "бақташы", "Пастух", "羊飼い", "牧羊人"),
    ("Dream", "арман", "Мечта", "夢", "梦"), ("Border", "шекара", "Граница", "国境", "边境"),
    ("Sea", "теңіз", "Море", "海", "海"), ("Train", "пойыз", "Поезд", "列車", "火车"),
    ("Letter", "хат", "Письмо", "手紙", "信"), ("Island", "арал", "Остров", "島", "岛"),
    ("Bride", "қалыңдық", "Невеста", "花嫁", "新娘"), ("Hunter", "аңшы", "Охотник", "狩人", "猎人"),
    ("Silence", "үнсіздік", "Тишина", "沈黙", "沉默"), ("Lake", "көл", "Озеро", "湖", "湖"),
    ("Fire", "от", "Огонь", "火", "火"), ("Apple", "алма", "Яблоко", "林檎", "苹果"),
    ("Yurt", "киіз үй", "Юрта", "ゲル", "毡房"), ("Horse Thieves", "жылқы ұрылары",
                                                "Конокрады", "馬泥棒", "盗马贼"),
    ("Falcon", "сұңқар", "Сокол", "隼", "隼"), ("Snow", "қар", "Снег", "雪", "雪"),
)
TITLE_ADJECTIVES = (
    ("White", "ақ", "白い", "白色的"), ("Black", "қара", "黒い", "黑色的"),
    ("Last", "соңғы", "最後の", "最后的"), ("Silent", "үнсіз", "静かな", "沉默的"),
    ("Golden", "алтын", "金色の", "金色的"), ("Blue", "көк", "青い", "蓝色的"),
    ("Red", "қызыл", "赤い", "红色的"), ("Old", "кәрі", "古い", "古老的"),
    ("Little", "кішкентай", "小さな", "小小的"), ("Wild", "жабайы", "野生の", "野性的"),
    ("Distant", "алыс", "遠い", "遥远的"), ("Lost", "жоғалған", "失われた", "失落的"),
    ("Secret", "құпия", "秘密の", "秘密的"), ("Long", "ұзақ", "長い", "漫长的"),
    ("First", "алғашқы", "最初の", "最初的"), ("Sweet", "тәтті", "甘い", "甜蜜的"),
)
TITLE_PLACES = (
    ("Almaty", "Алматы", "Алматы", "アルマトイ", "阿拉木图"),
    ("Astana", "Астана", "Астана", "アスタナ", "阿斯塔纳"),
    ("Tokyo", "Токио", "Токио", "東京", "东京"), ("Kyoto", "Киото", "Киото", "京都", "京都"),
    ("Shanghai", "Шанхай", "Шанхай", "上海", "上海"),
    ("Baikonur", "Байқоңыр", "Байконур", "バイコヌール", "拜科努尔"),
    ("Turkestan", "Түркістан", "Туркестан", "トルキスタン", "突厥斯坦"),
    ("Aral", "Арал", "Арал", "アラル", "咸海"), ("Hokkaido", "Хоккайдо", "Хоккайдо", "北海道", "北海道"),
    ("Kashgar", "Қашқар", "Кашгар", "カシュガル", "喀什"), ("Semey", "Семей", "Семей", "セメイ", "塞米伊"),
    ("Shymkent", "Шымкент", "Шымкент", "シムケント", "奇姆肯特"),
    ("Xi'an", "Сиань", "Сиань", "西安", "西安"), ("Bishkek", "Бішкек", "Бишкек", "ビシュケク", "比什凯克"),
    ("Moscow", "Мәскеу", "Москва", "モスクワ", "莫斯科"), ("Osaka", "Осака", "Осака", "大阪", "大阪"),
)
GENRES = ("Drama", "Comedy", "Documentary", "Historical drama", "Thriller", "Animation",
          "Family", "Road movie", "Biopic", "Musical drama", "Western", "Adventure")

# Festivals and markets: (name, city, country, month, day, venue, length in days).
FESTIVALS = (
    ("Festival de Cannes", "Cannes", "FR", 5, 14, "National Pavilion of Kazakhstan", 11),
    ("Berlin International Film Festival", "Berlin", "DE", 2, 15,
     "European Film Market, Gropius Bau", 10),
    ("Venice International Film Festival", "Venice", "IT", 8, 30, "Venice Production Bridge", 10),
    ("Busan International Film Festival", "Busan", "KR", 10, 4,
     "Asian Contents & Film Market", 9),
    ("Tokyo International Film Festival", "Tokyo", "JP", 10, 28, "TIFFCOM", 9),
    ("Shanghai International Film Festival", "Shanghai", "CN", 6, 14, "SIFF Mart", 9),
    ("Almaty Film Festival", "Almaty", "KZ", 9, 15,
     "Main competition “Rapprochement of Cultures”", 5),
    ("Eurasia International Film Festival", "Astana", "KZ", 7, 5,
     "Eurasia Co-production Forum", 6),
    ("Toronto International Film Festival", "Toronto", "CA", 9, 7, "TIFF Industry Centre", 10),
    ("Karlovy Vary International Film Festival", "Karlovy Vary", "CZ", 6, 30,
     "Industry Office, Hotel Thermal", 9),
    ("Locarno Film Festival", "Locarno", "CH", 8, 3, "Locarno Pro", 10),
    ("San Sebastián International Film Festival", "San Sebastián", "ES", 9, 20,
     "Europe-Latin America Co-production Forum", 9),
    ("International Film Festival Rotterdam", "Rotterdam", "NL", 1, 25, "CineMart", 11),
    ("Hong Kong International Film & TV Market", "Hong Kong", "HK", 3, 11, "FILMART", 4),
    ("Moscow International Film Festival", "Moscow", "RU", 4, 19, "Business Platform", 8),
    ("Beijing International Film Festival", "Beijing", "CN", 4, 13, "Beijing Film Market", 8),
    ("American Film Market", "Santa Monica", "US", 11, 1, "Loews Santa Monica", 6),
    ("Golden Horse Film Festival", "Taipei", "TW", 11, 9,
     "Golden Horse Film Project Promotion", 10),
    ("Sundance Film Festival", "Park City", "US", 1, 19, "Sundance Co//ab lounge", 10),
    ("Tallinn Black Nights Film Festival", "Tallinn", "EE", 11, 15,
     "Industry@Tallinn & Baltic Event", 16),
)

MEETING_TOPICS = (
    "the co-production structure and who leads the financing",
    "a financing gap of about {amount} and how the fund could close it",
    "the festival strategy: a premiere at {festival} would suit the film",
    "the second draft of the script and notes from the script consultant",
    "casting in {city}; two leads are confirmed, the third is in talks",
    "distribution rights for Central Asia and the CIS territories",
    "pre-sales to broadcasters in Japan and Korea",
    "post-production in {city}: colour grading and sound mix in spring",
    "the draft memorandum: shares, credits and the territories each side keeps",
    "the shooting schedule in the steppe, forty days starting in August",
    "the treaty between the two countries and whether it covers this project",
    "a minority share for the partner and the spend it must bring",
    "music rights for the archive recordings",
    "the rough cut; the partner wants a shorter second act",
)
MEETING_OPENERS = ("Met at the stand.", "Breakfast meeting.", "Short meeting between screenings.",
                   "Follow-up to our call last month.", "Dinner after the premiere.",
                   "Meeting at the pavilion.", "Introduced by the market organisers.")
MEETING_CLOSERS = ("They will send the budget next week.", "We agreed to talk again in a month.",
                   "Келісім жобасын келесі аптада жібереміз.",
                   "Договорились созвониться после фестиваля.",
                   "次回は東京で打ち合わせ。", "下次在上海见面。", "Promising; needs a decision by the board.",
                   "No decision yet.", "They are interested but the timing is wrong.")
FOLLOW_UPS = ("Send the budget top sheet", "Share the screener link", "Draft the memorandum",
              "Introduce them to the fund", "Send the script (English translation)",
              "Book a call with the producer", "Check the treaty rules with the lawyer",
              "Send the festival submission details", "Prepare the pitch deck")
NEXT_STEPS = ("Send the revised budget", "Sign the memorandum", "Apply to the fund",
              "Agree the shares with the partner", "Deliver the second draft",
              "Meet at the next festival", "Close the financing plan",
              "Confirm the shooting dates", "Pitch at the co-production forum")
TERM_HEADINGS = ("Parties", "Subject", "Financing", "Shares of copyright", "Territories",
                 "Credits", "Distribution", "Term and termination", "Governing law",
                 "Confidentiality")
TERM_TEXT = (
    "The Parties agree to co-produce the Film on the terms set out in this memorandum and to "
    "negotiate in good faith a full co-production agreement.",
    "Each Party contributes to the budget in proportion to its share; contributions in kind are "
    "valued at cost.",
    "The copyright in the Film is owned by the Parties in proportion to their shares.",
    "Each Party keeps the distribution rights in its own territory; world sales are handled "
    "jointly.",
    "This memorandum takes effect on signature and expires unless the co-production agreement "
    "is signed within twelve months.",
    "Тараптар фильмді бірлесіп түсіруге және толық келісім жасасуға келіседі.",
    "両当事者は本覚書の条件に従い、本作品を共同製作することに合意する。",
)
STAND_LOCATIONS = ("Almaty office", "Astana office", "Video call", "Hotel lobby, Almaty",
                   "Kazakhfilm, Almaty", "Café near the studio")
