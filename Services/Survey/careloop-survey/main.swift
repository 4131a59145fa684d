// careloop-survey: thin executable over SurveyService.
import CareLoopRuntime
import Foundation
import SurveyService

exit(await ServiceRunner.main(SurveyService.definition))
