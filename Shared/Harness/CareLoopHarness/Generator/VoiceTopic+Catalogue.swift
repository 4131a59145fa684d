import CareLoopContracts

extension VoiceTopic {
    /// Every topic the generator draws from; the six hot spots weigh most, as in the documents.
    package static let all: [VoiceTopic] = hotSpots + otherEngineering + planning + sales + property + customerService + other

    /// The six construction-quality hot spots (doors, finishing, leakage, windows, cracks, plumbing & HVAC).
    package static let hotSpots: [VoiceTopic] = [
        VoiceTopic(
            category: "engineering.leakage", isHotSpot: true, kinds: [.repair, .complaint], weight: 9,
            chinese: [
                .init("卫生间渗漏", "卫生间顶部一直在滴水，楼下邻居也说天花板渗水。"),
                .init("屋面漏水", "下雨后顶层卧室天花板漏水，墙面有大片水渍。"),
                .init("外墙渗水", "客厅外墙内侧返潮发霉，下雨时有水渗进来。"),
            ],
            english: [
                .init("Bathroom ceiling leaking", "Water keeps dripping from the bathroom ceiling; the neighbour below sees damp too."),
                .init("Roof leak after rain", "After the rain the top-floor bedroom ceiling leaks and the wall has a big water stain."),
                .init("External wall seepage", "The living-room wall is damp and mouldy; water seeps in whenever it rains."),
            ]),
        VoiceTopic(
            category: "engineering.doors", isHotSpot: true, kinds: [.repair, .complaint], weight: 6,
            chinese: [
                .init("卧室木门变形", "卧室木门变形关不上，门框和门扇之间缝隙很大。"),
                .init("入户门油漆开裂", "入户门表面油漆开裂脱落，门合页也松了。"),
            ],
            english: [
                .init("Bedroom door warped", "The wooden bedroom door is warped and does not close; the gap to the door frame is wide."),
                .init("Front door paint cracking", "The paint on the front door is cracking and the door hinge is loose."),
            ]),
        VoiceTopic(
            category: "engineering.finishing", isHotSpot: true, kinds: [.repair, .complaint], weight: 7,
            chinese: [
                .init("墙面空鼓起皮", "客厅墙面乳胶漆起皮脱落，敲起来有空鼓。"),
                .init("地砖空鼓", "厨房地砖空鼓，有两块已经松动翘起。"),
                .init("木地板起拱", "卧室木地板起拱变形，踢脚线也脱开了。"),
            ],
            english: [
                .init("Wall paint peeling", "The living-room paint is peeling and the plaster sounds hollow when tapped."),
                .init("Loose floor tiles", "Two kitchen floor tiles are hollow and lifting at the edges."),
                .init("Wood floor buckling", "The bedroom wood floor is buckling and the skirting has come off."),
            ]),
        VoiceTopic(
            category: "engineering.windows", isHotSpot: true, kinds: [.repair, .complaint], weight: 5,
            chinese: [
                .init("铝合金窗漏风", "铝合金窗关不严，刮风时漏风，下雨窗台进水。"),
                .init("推拉窗卡滞", "塑钢推拉窗推不动，窗扇变形，密封条脱落。"),
            ],
            english: [
                .init("Window lets in wind", "The aluminium window does not shut tight; wind gets in and rain reaches the sill."),
                .init("Sliding window stuck", "The sliding window is stuck, the sash is bent and the seal has come off."),
            ]),
        VoiceTopic(
            category: "engineering.cracks", isHotSpot: true, kinds: [.repair, .complaint], weight: 5,
            chinese: [
                .init("墙体裂缝", "主卧墙面出现一条很长的裂缝，而且越来越宽。"),
                .init("楼板开裂", "客厅天花板有裂纹，担心结构安全。"),
            ],
            english: [
                .init("Crack in the wall", "A long crack has appeared in the master-bedroom wall and it is getting wider."),
                .init("Ceiling cracked", "There are cracks across the living-room ceiling; we worry about the structure."),
            ]),
        VoiceTopic(
            category: "engineering.plumbing_hvac", isHotSpot: true, kinds: [.repair, .complaint], weight: 7,
            chinese: [
                .init("下水管堵塞", "厨房下水堵塞，地漏反味，水排不下去。"),
                .init("暖气不热", "暖气片不热，供暖以来室温一直只有十几度。"),
                .init("马桶漏水", "马桶底部漏水，水管接口一直在渗。"),
            ],
            english: [
                .init("Drain blocked", "The kitchen drain is blocked and the floor drain smells."),
                .init("Heating not warm", "The radiators stay cold; the flat has been at 15 degrees since heating started."),
                .init("Toilet leaking", "The toilet leaks at the base and the pipe joint keeps seeping."),
            ]),
    ]

    static let otherEngineering: [VoiceTopic] = [
        VoiceTopic(
            category: "engineering.other", isHotSpot: false, kinds: [.repair, .complaint], weight: 2,
            chinese: [.init("插座没电", "客厅两个插座没电，电路可能有问题。")],
            english: [.init("Sockets dead", "Two living-room sockets have no power; the wiring may be faulty.")]),
    ]

    static let planning: [VoiceTopic] = [
        VoiceTopic(
            category: "planning_design.living_performance", isHotSpot: false, kinds: [.complaint, .suggestion], weight: 2,
            chinese: [.init("隔音太差", "楼板隔音很差，楼上走路的声音听得清清楚楚，噪音影响休息。")],
            english: [.init("Poor sound insulation", "The floors carry every footstep from upstairs; the noise keeps us awake.")]),
        VoiceTopic(
            category: "planning_design.layout", isHotSpot: false, kinds: [.complaint, .inquiry], weight: 1,
            chinese: [.init("户型与图纸不符", "实际户型和销售图纸不一样，厨房面积缩水。")],
            english: [.init("Layout differs from plan", "The unit layout differs from the sales plan; the kitchen is smaller.")]),
        VoiceTopic(
            category: "planning_design.public_facilities", isHotSpot: false, kinds: [.complaint, .suggestion], weight: 1,
            chinese: [.init("配套幼儿园未建", "规划中的幼儿园和会所到现在还没有动工。")],
            english: [.init("Kindergarten not built", "The kindergarten and clubhouse in the master plan have not been started.")]),
    ]

    static let sales: [VoiceTopic] = [
        VoiceTopic(
            category: "sales.promises", isHotSpot: false, kinds: [.complaint], weight: 1,
            chinese: [.init("交付标准与样板房不符", "交付的装修标准和样板房、宣传承诺差距很大。")],
            english: [.init("Delivery below show flat", "The finish delivered is far below the show flat and what sales promised.")]),
        VoiceTopic(
            category: "sales.process", isHotSpot: false, kinds: [.complaint, .inquiry], weight: 1,
            chinese: [.init("置业顾问态度差", "认购时置业顾问说定金可以退，现在不认账。")],
            english: [.init("Sales adviser misled us", "The sales adviser said the deposit was refundable and now denies it.")]),
        VoiceTopic(
            category: "sales.contract_mortgage", isHotSpot: false, kinds: [.inquiry, .complaint], weight: 1,
            chinese: [.init("按揭办理进度", "公积金贷款材料交了两个月，按揭还没有办下来。")],
            english: [.init("Mortgage paperwork slow", "We handed in the mortgage papers two months ago and nothing has happened.")]),
    ]

    static let property: [VoiceTopic] = [
        VoiceTopic(
            category: "property.security", isHotSpot: false, kinds: [.complaint, .suggestion], weight: 2,
            chinese: [.init("门禁形同虚设", "小区门禁坏了很久，陌生人随便进出，车库里电动车被盗。")],
            english: [.init("Gate access broken", "The access gate has been broken for weeks; strangers walk in and a scooter was stolen.")]),
        VoiceTopic(
            category: "property.cleaning", isHotSpot: false, kinds: [.complaint], weight: 2,
            chinese: [.init("楼道没人打扫", "楼道一周没人打扫，垃圾桶满了也没人清理。")],
            english: [.init("Stairwell not swept", "The stairwell has not been swept for a week and the bins overflow.")]),
        VoiceTopic(
            category: "property.greenery", isHotSpot: false, kinds: [.suggestion, .complaint], weight: 1,
            chinese: [.init("绿化带枯死", "中心花园的绿化带大片枯死，希望补种。")],
            english: [.init("Flower beds dead", "The flower beds in the central garden are dead; please replant them.")]),
        VoiceTopic(
            category: "property.parking", isHotSpot: false, kinds: [.complaint], weight: 2,
            chinese: [.init("车位被占用", "我的车位经常被别人乱停占用，物业不管。")],
            english: [.init("Parking space taken", "Other cars keep parking in my space and the property office does nothing.")]),
        VoiceTopic(
            category: "property.pests", isHotSpot: false, kinds: [.complaint, .repair], weight: 1,
            chinese: [.init("地下室老鼠多", "地下室和垃圾房老鼠蟑螂很多，请安排消杀。")],
            english: [.init("Rats in the basement", "The basement and bin room are full of rats and cockroaches; please arrange pest control.")]),
        VoiceTopic(
            category: "property.renovation", isHotSpot: false, kinds: [.complaint], weight: 1,
            chinese: [.init("装修噪音扰民", "楼上装修每天早上七点就开始砸墙，噪音很大。")],
            english: [.init("Renovation noise", "The flat above starts drilling at 7 every morning; the renovation noise is unbearable.")]),
        VoiceTopic(
            category: "property.facilities", isHotSpot: false, kinds: [.repair, .complaint], weight: 3,
            chinese: [.init("电梯经常故障", "2号电梯这周坏了三次，有老人被困。")],
            english: [.init("Lift keeps breaking", "Lift 2 broke down three times this week and an elderly neighbour got stuck.")]),
    ]

    static let customerService: [VoiceTopic] = [
        VoiceTopic(
            category: "customer_service.certificates", isHotSpot: false, kinds: [.inquiry, .complaint], weight: 2,
            chinese: [.init("房产证办理", "交房一年多了，不动产证还没办下来，请问进度。")],
            english: [.init("Property certificate delay", "We moved in over a year ago and still have no property certificate; what is the status?")]),
        VoiceTopic(
            category: "customer_service.attitude", isHotSpot: false, kinds: [.complaint, .praise], weight: 2,
            chinese: [.init("客服推来推去", "打了三次客服电话，每次都推来推去，没人管。")],
            english: [.init("Passed back and forth", "I called customer service three times and was passed back and forth; no response.")]),
    ]

    static let other: [VoiceTopic] = [
        VoiceTopic(
            category: "other.external", isHotSpot: false, kinds: [.complaint, .inquiry], weight: 1,
            chinese: [.init("隔壁工厂异味", "小区旁边的化工厂晚上排气，味道很大。")],
            english: [.init("Smell from nearby factory", "The chemical factory next to the estate vents at night and the smell is strong.")]),
    ]
}
