// careloop-notification: thin executable over NotificationService.
import CareLoopRuntime
import Foundation
import NotificationService

exit(await ServiceRunner.main(NotificationService.definition))
