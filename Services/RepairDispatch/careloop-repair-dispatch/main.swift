// careloop-repair-dispatch: thin executable over RepairDispatchService.
import CareLoopRuntime
import Foundation
import RepairDispatchService

exit(await ServiceRunner.main(RepairDispatchService.definition))
