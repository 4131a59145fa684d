import CareLoopContracts
import Foundation
import Testing

@testable import RepairDispatchService

@Suite("Work-order events")
struct WorkOrderEventTests {
    static func order() throws -> WorkOrder {
        var order = WorkOrder(
            id: "0193a7c4-0000-7000-8000-000000000001", caseID: "c0a8012e-7b1d-4f7e-9a55-2f6a1d3e9b01", caseReference: "SZ-2026-000123",
            category: "engineering.plumbing_hvac", scope: RepairScope(skill: .plumbing, component: .plumbing),
            property: PropertyAddress(city: "shenzhen", project: "SZ-FSG", building: "12", unit: "1203"), ownerID: "OWN-88231",
            inspectionBatch: "DELIVERY-2026-11-SZ-FSG-B12", title: "Tap leaking", requestedAt: try instant("2026-11-22T01:30:00Z"),
            contactBy: try instant("2026-11-23T01:30:00Z"),
            warranty: WarrantyAssessment(
                coverage: WarrantyCoverage(inWarranty: false, component: "plumbing", expiresOn: "2025-06-30"), basis: .statutory,
                deliveredOn: try day("2023-06-30")))
        order.version = 1
        return order
    }

    @Test("the data is the contract's object plus the additive fields; it parses as contract data")
    func payload() throws {
        var order = try Self.order()
        try order.perform(.assign)
        order.technicianID = "TECH-311"
        order.plannedDay = try day("2026-11-23")
        let change = WorkOrderChange(
            actor: "system", reason: "contact deadline passed", previousTechnicianID: "TECH-200", escalation: "contact_deadline_breached",
            occurredAt: try instant("2026-11-23T01:30:05Z"))
        let json = try CareLoopJSON.encode(order.eventPayload(change))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json)) as? [String: Any])
        #expect(object["status"] as? String == "assigned")
        #expect(object["work_order_id"] as? String == order.id && object["case_id"] as? String == order.caseID)
        #expect(object["technician_id"] as? String == "TECH-311")
        #expect(object["case_reference"] as? String == "SZ-2026-000123")
        #expect(object["planned_day"] as? String == "2026-11-23")
        #expect(object["contact_by"] as? String == "2026-11-23T01:30:00.000Z")
        #expect(object["quote_status"] as? String == "awaiting_acceptance", "out of warranty: paid job")
        #expect(object["previous_technician_id"] as? String == "TECH-200")
        #expect(object["escalation"] as? String == "contact_deadline_breached")
        #expect(object["inspection_batch"] as? String == "DELIVERY-2026-11-SZ-FSG-B12")
        #expect(object["warranty_basis"] as? String == "statutory")
        #expect(object["owner_id"] == nil && object["title"] == nil, "no owner data or free text beyond the reason")
        let parsed = try WorkOrderEventData.parse(json: json).get()
        #expect(parsed == order.eventPayload(change).data)
        #expect(order.eventType == .workOrderAssigned)
    }

    @Test("every status maps to its contract event type")
    func eventTypes() throws {
        var order = try Self.order()
        for status in WorkOrderStatus.known {
            order.status = status
            #expect(order.eventType.isKnown && order.eventType.topic == .workOrders && order.eventType.action == status.rawValue)
        }
    }
}
