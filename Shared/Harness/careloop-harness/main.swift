// careloop-harness: load generator, verifier and fault scenarios.
import CareLoopHarness
import Foundation

FileHandle.standardError.write(Data("\(Harness.name): not wired yet\n".utf8))
exit(64)
