// striae: the headless command line on the Striae libraries.
// Exit codes: 0 ok, 1 failure, 2 usage.
#include <CLI/CLI.hpp>

#include <SQLiteCpp/Exception.h>
#include <sqlite3.h>

#include <exception>
#include <iostream>

#include "Commands.h"
#include "striae/records/Types.h"
#include "striae/sync/HubError.h"

int main(int argc, char** argv) {
    CLI::App app{"Striae: open forensic ballistic imaging (X3P scans, correlation, review)", "striae"};
    app.set_version_flag("--version", std::string("striae ") + STRIAE_VERSION);
    app.require_subcommand(1);
    app.fallthrough();
    striae::cli::addInspectCommand(app);
    striae::cli::addSynthCommand(app);
    striae::cli::addConvertCommand(app);
    striae::cli::addPreprocessCommand(app);
    striae::cli::addCompareCommand(app);
    striae::cli::addEvalCommand(app);
    striae::cli::addCalibrateCommand(app);
    striae::cli::addCalibrationCommands(app);
    striae::cli::addEvalSearchCommand(app);
    striae::cli::addStoreCommands(app);
    striae::cli::addWorkflowCommands(app);
    striae::cli::addSyncCommands(app);
    striae::cli::addBulletCommands(app);
    striae::cli::addStatsCommands(app);
    striae::cli::addFirearmCommands(app);
    striae::cli::addFirearmStatsCommands(app);
    striae::cli::addTraceCommands(app);
#ifdef STRIAE_WITH_REPORTS
    striae::cli::addReportCommand(app);
    striae::cli::addSubmissionCommands(app);
#endif
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        app.exit(e);
        return 2;
    } catch (const striae::sync::HubError& e) {
        std::cerr << "striae: hub: " << e.what() << '\n';
        return 1;
    } catch (const striae::records::RecordsError& e) {
        std::cerr << "striae: error: " << e.what() << '\n';
        return 1;
    } catch (const SQLite::Exception& e) {
        // After the busy timeout: say so plainly rather than SQLite's "database is locked".
        if (e.getErrorCode() == SQLITE_BUSY)
            std::cerr << "striae: error: the store is busy: another program kept it locked for longer than the wait (10 s); "
                         "nothing was changed, try again\n";
        else
            std::cerr << "striae: error: store: " << e.what() << '\n';
        return 1;
    } catch (const std::exception& e) {
        std::cerr << "striae: error: " << e.what() << '\n';
        return 1;
    }
    return 0;
}
