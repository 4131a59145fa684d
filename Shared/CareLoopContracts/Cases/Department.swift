/// The department ("business port") that owns a case's result.
package struct Department: OpenStringEnum {
    /// The wire value.
    package let rawValue: String

    /// Wraps a wire value, known or not.
    package init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// Planning and design.
    package static let planningDesign: Department = "planning_design"
    /// Engineering: construction quality and warranty repairs.
    package static let engineering: Department = "engineering"
    /// Marketing and sales.
    package static let marketingSales: Department = "marketing_sales"
    /// Customer service (brand and customer relations centre).
    package static let customerService: Department = "customer_service"
    /// Property management services.
    package static let propertyManagement: Department = "property_management"
    /// Finance and front desk.
    package static let financeFrontDesk: Department = "finance_front_desk"

    /// Every value of contract v1, in contract order.
    package static let known: [Department] = [
        .planningDesign, .engineering, .marketingSales, .customerService, .propertyManagement, .financeFrontDesk,
    ]
}
