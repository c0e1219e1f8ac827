#pragma once
// Each subcommand registers itself on the CLI11 app; the callback runs it.
// A command reports failure by throwing; main() turns that into exit code 1.
namespace CLI {
class App;
}

namespace striae::cli {

void addInspectCommand(CLI::App& app);
void addSynthCommand(CLI::App& app);
void addConvertCommand(CLI::App& app);
void addPreprocessCommand(CLI::App& app);
void addCompareCommand(CLI::App& app);
void addEvalCommand(CLI::App& app);
void addEvalSearchCommand(CLI::App& app);
void addCalibrateCommand(CLI::App& app);
void addCalibrationCommands(CLI::App& app);
void addStoreCommands(CLI::App& app);
void addWorkflowCommands(CLI::App& app);
void addSyncCommands(CLI::App& app);
void addBulletCommands(CLI::App& app);
void addStatsCommands(CLI::App& app);
void addFirearmCommands(CLI::App& app);
void addFirearmStatsCommands(CLI::App& app);  // after addFirearmCommands: under `firearm`
void addTraceCommands(CLI::App& app);
void addReportCommand(CLI::App& app);  // with STRIAE_WITH_REPORTS
void addSubmissionCommands(CLI::App& app);  // with STRIAE_WITH_REPORTS (the report's PDF)

}  // namespace striae::cli
