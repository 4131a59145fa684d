// careloop-routing: thin executable over RoutingService.
import CareLoopRuntime
import Foundation
import RoutingService

exit(await ServiceRunner.main(RoutingServiceDefinition()))
