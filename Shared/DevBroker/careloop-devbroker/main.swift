// careloop-devbroker: hosts librdkafka's mock Kafka cluster for development and tests.
import CareLoopDevBroker
import CareLoopRuntime
import Foundation
import Logging
import ServiceLifecycle

let exitCode = await DevBroker.run()
exit(exitCode)
