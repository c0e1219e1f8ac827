// Trace requests on the command line: `striae trace draft|edit|submit|acknowledge|start|answer|reject|close|comment|show|list`.
#include <CLI/CLI.hpp>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <functional>
#include <iostream>
#include <cstdlib>
#include <sstream>
#include <fstream>
#include <filesystem>
#include <algorithm>
#include <memory>
#include <utility>

#include "Commands.h"
#include "KeptFileCommands.h"
#include "ListOutput.h"
#include "StoreSession.h"

#ifdef STRIAE_WITH_REPORTS
#include "HeadlessQt.h"
#include "striae/report/TraceRequestPdf.h"
#endif
#include "striae/records/TraceRequests.h"
#include "striae/sync/NetworkTraces.h"

namespace striae::cli {

namespace {

void addInputOptions(CLI::App& cmd, records::TraceRequestInput& in) {
    cmd.add_option("--to", in.toAgency, "The recipient agency's code")->required();
    cmd.add_option("--serial", in.firearm.serial, "Serial number");
    cmd.add_option("--make", in.firearm.make, "Make");
    cmd.add_option("--model", in.firearm.model, "Model");
    cmd.add_option("--caliber", in.firearm.caliber, "Caliber");
    cmd.add_option("--type", in.firearm.type, "Type (pistol, revolver, rifle, …)");
    cmd.add_option("--country-of-manufacture", in.firearm.countryOfManufacture, "ISO 3166 two-letter code");
    cmd.add_option("--record", in.firearm.recordId, "The firearm record it is about");
    cmd.add_option("--reason", in.reason, "Why the firearm is traced")->required();
    cmd.add_option("--priority", in.priority, "routine (default) or urgent");
    cmd.add_option("--justification", in.justification, "Why it is urgent (required for urgent)");
    cmd.add_option("--due", in.dueDate, "Due date (ISO)")->required();
}

Poco::JSON::Object::Ptr json(const records::TraceRequest& t) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("id", t.id);
    o->set("from", t.fromAgency);
    o->set("to", t.toAgency);
    o->set("status", t.status);
    o->set("overdue", t.overdue);
    o->set("priority", t.priority);
    o->set("justification", t.justification);
    o->set("due", t.dueDate);
    o->set("serial", t.firearm.serial);
    o->set("make", t.firearm.make);
    o->set("model", t.firearm.model);
    o->set("caliber", t.firearm.caliber);
    o->set("type", t.firearm.type);
    o->set("country_of_manufacture", t.firearm.countryOfManufacture);
    if (t.firearm.recordId) o->set("record", t.firearm.recordId);
    o->set("reason", t.reason);
    o->set("response", t.response);
    o->set("created_by", t.createdBy);
    o->set("created_at", t.createdAt);
    o->set("updated_at", t.updatedAt);
    Poco::JSON::Array::Ptr history = new Poco::JSON::Array;
    for (const auto& e : t.history) {
        Poco::JSON::Object::Ptr x = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        x->set("at", e.at);
        x->set("by", e.by);
        x->set("agency", e.agency);
        x->set("kind", e.kind);
        x->set("from", e.fromStatus);
        x->set("to", e.toStatus);
        x->set("text", e.text);
        history->add(x);
    }
    o->set("history", history);
    return o;
}

KeptFile kept(const records::TraceAttachment& a) { return {a.id, a.name, "", a.sha256, a.size, a.agency, a.addedBy, a.addedAt}; }

void print(const records::TraceRequest& t, bool asJson) {
    if (asJson) {
        json(t)->stringify(std::cout);
        std::cout << '\n';
        return;
    }
    std::cout << "trace request " << t.id << ": " << t.fromAgency << " → " << t.toAgency << ", " << t.status << (t.overdue ? " (OVERDUE)" : "")
              << ", " << t.priority << ", due " << t.dueDate << '\n'
              << "  firearm  " << t.firearm.make << ' ' << t.firearm.model << ", serial " << (t.firearm.serial.empty() ? "?" : t.firearm.serial)
              << (t.firearm.caliber.empty() ? "" : ", " + t.firearm.caliber) << '\n'
              << "  reason   " << t.reason << '\n';
    if (!t.justification.empty()) std::cout << "  urgent   " << t.justification << '\n';
    if (!t.response.empty()) std::cout << "  " << (t.status == "rejected" ? "rejected " : "answer   ") << t.response << '\n';
    for (const auto& e : t.history)
        std::cout << "  " << e.at << "  " << e.agency << '/' << e.by << "  " << e.kind << (e.kind == "status" ? " → " + e.toStatus : "")
                  << (e.text.empty() ? "" : ": " + e.text) << '\n';
}

// `export ID --json F --csv F --pdf F`: a request with its history and attachments, each file written through a temporary.
using TraceWithFiles = std::pair<records::TraceRequest, std::vector<records::TraceAttachment>>;
void addExport(CLI::App& parent, const std::string& idHelp,
               std::function<TraceWithFiles(records::Store&, const records::User&, std::int64_t)> load) {
    struct Options {
        StoreSession session;
        std::int64_t id = 0;
        std::string json, csv, pdf;
    };
    auto o = std::make_shared<Options>();
    CLI::App* cmd = parent.add_subcommand("export", "A request with its history and attachments to a file: JSON, CSV (its history) or PDF");
    cmd->add_option("id", o->id, idHelp)->required();
    cmd->add_option("--json", o->json, "Write JSON to this file");
    cmd->add_option("--csv", o->csv, "Write its history as CSV to this file");
#ifdef STRIAE_WITH_REPORTS
    cmd->add_option("--pdf", o->pdf, "Write a PDF to this file");
#endif
    o->session.addOptions(*cmd);
    cmd->callback([o, load] {
        if (o->json.empty() && o->csv.empty() && o->pdf.empty()) throw CLI::ValidationError("export", "give --json, --csv or --pdf");
        auto store = o->session.open();
        const auto [t, attachments] = load(store, o->session.login(store), o->id);
        auto writeAtomically = [](const std::string& path, const std::string& text) {
            const std::string temp = path + ".partial";
            {
                std::ofstream out(temp, std::ios::binary);
                out << text;
                if (!out) throw std::runtime_error("cannot write " + path);
            }
            std::filesystem::rename(temp, path);
        };
        if (!o->json.empty()) {
            auto root = json(t);
            Poco::JSON::Array::Ptr files = new Poco::JSON::Array;
            for (const auto& a : attachments) {
                Poco::JSON::Object::Ptr x = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
                x->set("id", a.id);
                x->set("name", a.name);
                x->set("size", a.size);
                x->set("sha256", a.sha256);
                x->set("agency", a.agency);
                x->set("added_by", a.addedBy);
                x->set("added_at", a.addedAt);
                files->add(x);
            }
            root->set("attachments", files);
            std::ostringstream text;
            root->stringify(text);
            writeAtomically(o->json, text.str() + "\n");
        }
        if (!o->csv.empty()) {
            Table h;
            h.columns = {"trace", "at", "agency", "by", "kind", "from", "to", "text"};
            for (const auto& ev : t.history) h.rows.push_back({std::to_string(t.id), ev.at, ev.agency, ev.by, ev.kind, ev.fromStatus, ev.toStatus, ev.text});
            std::ostringstream text;
            h.printCsv(text);
            writeAtomically(o->csv, text.str());
        }
#ifdef STRIAE_WITH_REPORTS
        if (!o->pdf.empty()) {
            const auto qt = headlessQt();
            report::writeTraceRequestPdf(t, attachments, o->pdf, STRIAE_VERSION);
        }
#endif
        std::cout << "trace request " << o->id << " exported\n";
    });
}

}  // namespace

void addTraceCommands(CLI::App& app) {
    CLI::App* trace = app.add_subcommand("trace", "Trace requests between agencies: draft, submit, acknowledge, start, answer or reject, close; "
                                                  "comments; incoming and outgoing lists with overdue flags (trace officers)");
    trace->require_subcommand(1);
    for (const bool isEdit : {false, true}) {
        struct Options {
            StoreSession session;
            records::Id id = 0;
            records::TraceRequestInput input;
            bool json = false;
        };
        auto o = std::make_shared<Options>();
        CLI::App* cmd = trace->add_subcommand(isEdit ? "edit" : "draft", isEdit ? "Change a draft (give every field)" : "Draft a trace request");
        if (isEdit) cmd->add_option("id", o->id, "Trace request id")->required();
        addInputOptions(*cmd, o->input);
        cmd->add_flag("--json", o->json, "Print JSON");
        o->session.addOptions(*cmd);
        cmd->callback([o, isEdit] {
            auto store = o->session.open();
            const auto actor = o->session.login(store);
            auto traces = store.traceRequests();
            print(isEdit ? traces.edit(actor, o->id, o->input) : traces.draft(actor, o->input), o->json);
        });
    }
    using Step = std::function<records::TraceRequest(records::TraceRequests&, const records::User&, records::Id, const std::string&)>;
    const std::vector<std::tuple<const char*, const char*, const char*, Step>> steps{
        {"submit", "Send a draft (requester)", "", [](auto& t, auto& u, auto id, auto&) { return t.submit(u, id); }},
        {"acknowledge", "Acknowledge a submitted request (recipient)", "", [](auto& t, auto& u, auto id, auto&) { return t.acknowledge(u, id); }},
        {"start", "Start work on an acknowledged request (recipient)", "", [](auto& t, auto& u, auto id, auto&) { return t.startWork(u, id); }},
        {"answer", "Answer a request (recipient)", "The answer", [](auto& t, auto& u, auto id, auto& text) { return t.answer(u, id, text); }},
        {"reject", "Reject a request (recipient)", "Why", [](auto& t, auto& u, auto id, auto& text) { return t.reject(u, id, text); }},
        {"close", "Close a request (requester)", "A closing note", [](auto& t, auto& u, auto id, auto& text) { return t.close(u, id, text); }},
        {"comment", "Comment on a request (either agency)", "The comment", [](auto& t, auto& u, auto id, auto& text) { return t.comment(u, id, text); }},
    };
    for (const auto& [name, help, textHelp, step] : steps) {
        struct Options {
            StoreSession session;
            records::Id id = 0;
            std::string text;
            bool json = false;
        };
        auto o = std::make_shared<Options>();
        CLI::App* cmd = trace->add_subcommand(name, help);
        cmd->add_option("id", o->id, "Trace request id")->required();
        if (*textHelp) {
            auto* text = cmd->add_option("--text", o->text, textHelp);
            if (std::string(name) != "close") text->required();
        }
        cmd->add_flag("--json", o->json, "Print JSON");
        o->session.addOptions(*cmd);
        cmd->callback([o, step = step] {
            auto store = o->session.open();
            const auto actor = o->session.login(store);
            auto traces = store.traceRequests();
            print(step(traces, actor, o->id, o->text), o->json);
        });
    }
    {
        struct Options {
            StoreSession session;
            records::Id id = 0;
            bool json = false;
        };
        auto o = std::make_shared<Options>();
        CLI::App* cmd = trace->add_subcommand("show", "One request with its history");
        cmd->add_option("id", o->id, "Trace request id")->required();
        cmd->add_flag("--json", o->json, "Print JSON");
        o->session.addOptions(*cmd);
        cmd->callback([o] {
            auto store = o->session.open();
            const auto viewer = o->session.login(store);
            print(store.traceRequests().get(viewer, o->id), o->json);
        });
    }
    {
        KeptFileCommands files;
        files.add = "attach";
        files.list = "attachments";
        files.addHelp = "Attach a file to a request (either agency's trace officers; at most 50 MB; audited)";
        files.listHelp = "A request's attachments; --get ID --out FILE writes one out (checked against its SHA-256)";
        files.owner = "Trace request id";
        files.what = "attachment";
        files.keep = [](records::Store& store, const records::User& user, std::int64_t id, const std::string& file, const std::string& name) {
            return kept(store.traceRequests().attach(user, id, file, name));
        };
        files.files = [](records::Store& store, const records::User& user, std::int64_t id) {
            std::vector<KeptFile> out;
            for (const auto& a : store.traceRequests().attachments(user, id)) out.push_back(kept(a));
            return out;
        };
        files.fetch = [](records::Store& store, const records::User& user, std::int64_t, const KeptFile& f, const std::string& out) {
            copyOut(store.traceRequests().attachmentPath(user, f.id), out);
        };
        addKeptFileCommands(*trace, files);
    }
    addExport(*trace, "Trace request id", [](records::Store& store, const records::User& viewer, std::int64_t id) {
        auto traces = store.traceRequests();
        return std::make_pair(traces.get(viewer, id), traces.attachments(viewer, id));
    });
    {
        struct Options {
            StoreSession session;
            bool incoming = false, outgoing = false;
            ListFormat format;
        };
        auto o = std::make_shared<Options>();
        CLI::App* cmd = trace->add_subcommand("list", "Incoming and outgoing requests (both unless one is asked for), with overdue flags");
        auto* in = cmd->add_flag("--incoming", o->incoming, "Only those sent to your agency");
        auto* out = cmd->add_flag("--outgoing", o->outgoing, "Only your agency's own");
        in->excludes(out);
        o->format.addOptions(*cmd);
        o->session.addOptions(*cmd);
        cmd->callback([o] {
            auto store = o->session.open();
            const auto viewer = o->session.login(store);
            auto traces = store.traceRequests();
            Table t;
            t.columns = {"id", "direction", "from", "to", "status", "overdue", "priority", "due", "serial", "make", "model", "updated_at"};
            auto add = [&](const std::vector<records::TraceRequest>& list, const char* direction) {
                for (const auto& r : list)
                    t.rows.push_back({std::to_string(r.id), direction, r.fromAgency, r.toAgency, r.status, r.overdue ? "yes" : "no", r.priority,
                                      r.dueDate, r.firearm.serial, r.firearm.make, r.firearm.model, r.updatedAt});
            };
            if (!o->outgoing) add(traces.incoming(viewer), "incoming");
            if (!o->incoming) add(traces.outgoing(viewer), "outgoing");
            printTable(t, o->format, "trace_requests");
        });
    }
    // Between stores: the same requests through the hub the store is configured for (sync::NetworkTraces).
    CLI::App* network = trace->add_subcommand("network", "Trace requests with agencies of other stores, through the hub (trace officers)");
    network->require_subcommand(1);
    {
        struct Options {
            StoreSession session;
            records::TraceRequestInput input;
            bool json = false;
        };
        auto o = std::make_shared<Options>();
        CLI::App* cmd = network->add_subcommand("submit", "Send a request to an agency at the hub (submitted at once)");
        addInputOptions(*cmd, o->input);
        cmd->add_flag("--json", o->json, "Print JSON");
        o->session.addOptions(*cmd);
        cmd->callback([o] {
            auto store = o->session.open();
            print(sync::NetworkTraces(store, o->session.login(store)).submit(o->input), o->json);
        });
    }
    for (const std::string action : {"acknowledge", "start", "answer", "reject", "close", "comment", "show"}) {
        struct Options {
            StoreSession session;
            std::int64_t id = 0;
            std::string text;
            bool json = false;
        };
        auto o = std::make_shared<Options>();
        CLI::App* cmd = network->add_subcommand(action, action == "show" ? "One request at the hub with its history" : "This step of a request at the hub");
        cmd->add_option("id", o->id, "The request's id at the hub")->required();
        if (action == "answer" || action == "reject" || action == "comment") cmd->add_option("--text", o->text, "The text")->required();
        if (action == "close") cmd->add_option("--text", o->text, "A closing note");
        cmd->add_flag("--json", o->json, "Print JSON");
        o->session.addOptions(*cmd);
        cmd->callback([o, action] {
            auto store = o->session.open();
            sync::NetworkTraces traces(store, o->session.login(store));
            print(action == "show" ? traces.get(o->id) : action == "comment" ? traces.comment(o->id, o->text) : traces.step(o->id, action, o->text),
                  o->json);
        });
    }
    {
        KeptFileCommands files;
        files.add = "attach";
        files.list = "attachments";
        files.addHelp = "Attach a file to a request at the hub (at most 50 MB)";
        files.listHelp = "A request's attachments at the hub; --get ID --out FILE fetches one (checked against its SHA-256)";
        files.owner = "The request's id at the hub";
        files.what = "attachment";
        files.keep = [](records::Store& store, const records::User& user, std::int64_t id, const std::string& file, const std::string& name) {
            return kept(sync::NetworkTraces(store, user).attach(id, file, name));
        };
        files.files = [](records::Store& store, const records::User& user, std::int64_t id) {
            std::vector<KeptFile> out;
            for (const auto& a : sync::NetworkTraces(store, user).attachments(id)) out.push_back(kept(a));
            return out;
        };
        files.fetch = [](records::Store& store, const records::User& user, std::int64_t id, const KeptFile& f, const std::string& out) {
            sync::NetworkTraces(store, user).download(id, f.id, out);
        };
        addKeptFileCommands(*network, files);
    }
    addExport(*network, "The request's id at the hub", [](records::Store& store, const records::User& viewer, std::int64_t id) {
        sync::NetworkTraces traces(store, viewer);
        return std::make_pair(traces.get(id), traces.attachments(id));
    });
    {
        struct Options {
            StoreSession session;
            bool outgoing = false;
            ListFormat format;
        };
        auto o = std::make_shared<Options>();
        CLI::App* cmd = network->add_subcommand("list", "Requests at the hub sent to your agency (--outgoing: sent by it), with overdue flags");
        cmd->add_flag("--outgoing", o->outgoing, "Those your agency sent");
        o->format.addOptions(*cmd);
        o->session.addOptions(*cmd);
        cmd->callback([o] {
            auto store = o->session.open();
            Table t;
            t.columns = {"id", "from", "to", "status", "overdue", "priority", "due", "serial", "make", "updated_at"};
            for (const auto& r : sync::NetworkTraces(store, o->session.login(store)).list(o->outgoing ? "outgoing" : "incoming"))
                t.rows.push_back({std::to_string(r.id), r.fromAgency, r.toAgency, r.status, r.overdue ? "yes" : "no", r.priority, r.dueDate,
                                  r.firearm.serial, r.firearm.make, r.updatedAt});
            printTable(t, o->format, "trace_requests");
        });
    }
}

}  // namespace striae::cli
