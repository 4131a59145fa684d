/// The load, verification and fault harness of CareLoop (issue 7).
package enum Harness {
    /// Printed in every report.
    package static let name = "careloop-harness"
}
