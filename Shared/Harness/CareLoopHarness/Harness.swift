/// The load, verification and fault harness of CareLoop (issue 7): a load generator, a verifier that proves nothing
/// was lost or doubled, the fault scenarios and the benchmarks. `careloop-harness` is its command line.
package enum Harness {
    /// Printed in every report.
    package static let name = "careloop-harness"
}
