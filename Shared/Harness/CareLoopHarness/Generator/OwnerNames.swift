/// Made-up owners' names and mobile numbers (personal data the services must never put on an outbound topic).
package enum OwnerNames {
    private static let surnames = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭"]
    private static let givenNames = ["伟", "芳", "娜", "敏", "静", "强", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明", "超"]
    private static let englishFirst = ["Li", "Wei", "Mei", "Jun", "Hao", "Ying", "Chen", "Lin", "Anna", "David", "Grace", "Tom"]
    private static let englishLast = ["Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou"]

    /// A name in the owner's language.
    package static func name(language: String, using random: inout SeededGenerator) -> String {
        if language.lowercased().hasPrefix("en") {
            return "\(random.element(of: englishFirst)) \(random.element(of: englishLast))"
        }
        let given = random.chance(0.5) ? random.element(of: givenNames) : random.element(of: givenNames) + random.element(of: givenNames)
        return random.element(of: surnames) + given
    }

    /// A mainland mobile number in E.164 (`+861` and ten more digits).
    package static func phone(using random: inout SeededGenerator) -> String {
        let prefix = random.element(of: ["3", "5", "7", "8"])
        var digits = ""
        for _ in 0..<9 { digits += String(random.integer(in: 0...9)) }
        return "+861\(prefix)\(digits)"
    }
}
