// careloop-intake: thin executable over IntakeService.
import CareLoopRuntime
import Foundation
import IntakeService

exit(await ServiceRunner.main(IntakeServiceDefinition()))
