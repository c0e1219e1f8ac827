#include "Schema.h"

#include "striae/records/FirearmRules.h"

namespace striae::records {

namespace {
std::string quoted(const std::string& text) {
    std::string out = "'";
    for (char c : text) out += c == '\'' ? std::string("''") : std::string(1, c);
    return out + "'";
}

// The shipped calibers (FirearmRules.cpp) as the rows migration 9 inserts.
std::string starterCaliberRows() {
    std::string sql = "INSERT INTO caliber_reference(name, cip_name, aliases, kind, source) VALUES\n";
    const auto& list = starterCalibers();
    for (std::size_t i = 0; i < list.size(); ++i) {
        std::string aliases;
        for (const auto& a : list[i].aliases) aliases += (aliases.empty() ? "" : "|") + a;
        sql += "  (" + quoted(list[i].name) + ", " + quoted(list[i].cipName) + ", " + quoted(aliases) + ", " + quoted(list[i].kind) + ", " +
               quoted(list[i].source) + (i + 1 < list.size() ? "),\n" : ");\n");
    }
    return sql;
}
}  // namespace

const std::vector<std::string>& migrations() {
    static const std::vector<std::string> m{
        // 1: the whole model
        R"SQL(
CREATE TABLE agency(
  id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE, name TEXT NOT NULL, country TEXT NOT NULL);
CREATE TABLE user(
  id INTEGER PRIMARY KEY, agency_id INTEGER NOT NULL REFERENCES agency(id),
  username TEXT NOT NULL UNIQUE, full_name TEXT NOT NULL, roles TEXT NOT NULL,
  password_hash TEXT NOT NULL, active INTEGER NOT NULL DEFAULT 1, created_at TEXT NOT NULL);
CREATE TABLE case_file(
  id INTEGER PRIMARY KEY, number TEXT NOT NULL UNIQUE, agency_id INTEGER NOT NULL REFERENCES agency(id),
  offence TEXT NOT NULL DEFAULT '', offence_date TEXT NOT NULL DEFAULT '', location TEXT NOT NULL DEFAULT '',
  notes TEXT NOT NULL DEFAULT '', created_by INTEGER NOT NULL REFERENCES user(id), created_at TEXT NOT NULL);
CREATE TABLE firearm(
  id INTEGER PRIMARY KEY, make TEXT NOT NULL DEFAULT '', model TEXT NOT NULL DEFAULT '', caliber TEXT NOT NULL DEFAULT '',
  serial TEXT NOT NULL DEFAULT '', country TEXT NOT NULL DEFAULT '');
CREATE TABLE item(
  id INTEGER PRIMARY KEY, case_id INTEGER NOT NULL REFERENCES case_file(id), label TEXT NOT NULL,
  kind TEXT NOT NULL CHECK(kind IN ('cartridge_case','bullet','firearm')),
  origin TEXT NOT NULL CHECK(origin IN ('crime_scene','test_fire','reference')),
  caliber TEXT NOT NULL DEFAULT '', firing_pin_shape TEXT NOT NULL DEFAULT '', breech_face_marks TEXT NOT NULL DEFAULT '',
  lands INTEGER, twist TEXT NOT NULL DEFAULT '', ammunition TEXT NOT NULL DEFAULT '', headstamp TEXT NOT NULL DEFAULT '',
  recovered_at TEXT NOT NULL DEFAULT '', recovered_where TEXT NOT NULL DEFAULT '', notes TEXT NOT NULL DEFAULT '',
  firearm_id INTEGER REFERENCES firearm(id), created_at TEXT NOT NULL, UNIQUE(case_id, label));
CREATE INDEX item_case ON item(case_id);
CREATE INDEX item_caliber ON item(caliber);
CREATE TABLE acquisition(
  id INTEGER PRIMARY KEY, item_id INTEGER NOT NULL REFERENCES item(id),
  region TEXT NOT NULL CHECK(region IN ('breech_face','firing_pin','ejector','land')), land INTEGER,
  instrument TEXT NOT NULL DEFAULT '', file_sha256 TEXT NOT NULL, processed_sha256 TEXT NOT NULL,
  processing TEXT NOT NULL DEFAULT '', acquired_by INTEGER NOT NULL REFERENCES user(id), acquired_at TEXT NOT NULL,
  UNIQUE(item_id, region, file_sha256));
CREATE INDEX acquisition_item ON acquisition(item_id);
CREATE INDEX acquisition_time ON acquisition(acquired_at);
CREATE TABLE correlation_run(
  id INTEGER PRIMARY KEY, query_acquisition_id INTEGER NOT NULL REFERENCES acquisition(id),
  parameters TEXT NOT NULL, scope TEXT NOT NULL CHECK(scope IN ('local','hub')),
  started_at TEXT NOT NULL, finished_at TEXT NOT NULL, run_by INTEGER NOT NULL REFERENCES user(id));
CREATE TABLE candidate(
  id INTEGER PRIMARY KEY, run_id INTEGER NOT NULL REFERENCES correlation_run(id),
  acquisition_id INTEGER NOT NULL REFERENCES acquisition(id), rank INTEGER NOT NULL,
  score REAL NOT NULL, score_high REAL NOT NULL, details TEXT NOT NULL, UNIQUE(run_id, acquisition_id));
CREATE INDEX candidate_run ON candidate(run_id, rank);
CREATE TABLE review(
  id INTEGER PRIMARY KEY, candidate_id INTEGER NOT NULL UNIQUE REFERENCES candidate(id),
  decision TEXT NOT NULL CHECK(decision IN ('lead','not_lead')), note TEXT NOT NULL DEFAULT '',
  reviewed_by INTEGER NOT NULL REFERENCES user(id), reviewed_at TEXT NOT NULL);
CREATE TABLE lead(
  id INTEGER PRIMARY KEY, candidate_id INTEGER NOT NULL UNIQUE REFERENCES candidate(id),
  status TEXT NOT NULL CHECK(status IN ('open','hit','rejected')), note TEXT NOT NULL DEFAULT '',
  created_by INTEGER NOT NULL REFERENCES user(id), created_at TEXT NOT NULL);
CREATE INDEX lead_status ON lead(status);
CREATE TABLE hit(
  id INTEGER PRIMARY KEY, lead_id INTEGER NOT NULL UNIQUE REFERENCES lead(id),
  conclusion TEXT NOT NULL CHECK(conclusion IN ('identification','inconclusive_a','inconclusive_b','inconclusive_c','elimination','unsuitable')),
  note TEXT NOT NULL DEFAULT '', examiner_id INTEGER NOT NULL REFERENCES user(id), confirmed_at TEXT NOT NULL);
CREATE TABLE verification(
  id INTEGER PRIMARY KEY, hit_id INTEGER NOT NULL REFERENCES hit(id),
  conclusion TEXT NOT NULL, blind INTEGER NOT NULL, note TEXT NOT NULL DEFAULT '',
  examiner_id INTEGER NOT NULL REFERENCES user(id), verified_at TEXT NOT NULL);
CREATE TABLE approval(
  id INTEGER PRIMARY KEY, hit_id INTEGER NOT NULL UNIQUE REFERENCES hit(id), note TEXT NOT NULL DEFAULT '',
  supervisor_id INTEGER NOT NULL REFERENCES user(id), approved_at TEXT NOT NULL);
CREATE TABLE custody_event(
  id INTEGER PRIMARY KEY, item_id INTEGER NOT NULL REFERENCES item(id), event TEXT NOT NULL,
  note TEXT NOT NULL DEFAULT '', by_user INTEGER NOT NULL REFERENCES user(id), at TEXT NOT NULL);
CREATE TABLE audit_event(
  id INTEGER PRIMARY KEY, at TEXT NOT NULL, user_id INTEGER NOT NULL, action TEXT NOT NULL,
  entity TEXT NOT NULL, entity_id INTEGER NOT NULL, details TEXT NOT NULL,
  prev_hash TEXT NOT NULL, hash TEXT NOT NULL);
CREATE INDEX audit_entity ON audit_event(entity, entity_id);
CREATE TABLE audit_head(one INTEGER PRIMARY KEY CHECK(one = 1), last_id INTEGER NOT NULL, last_hash TEXT NOT NULL);
CREATE VIRTUAL TABLE note_text USING fts5(kind UNINDEXED, ref_id UNINDEXED, text, tokenize = 'porter unicode61');
)SQL",
        // 2: caliber on the acquisition, so "acquisitions of a caliber in a date range" is one index range
        R"SQL(
ALTER TABLE acquisition ADD COLUMN caliber TEXT NOT NULL DEFAULT '';
UPDATE acquisition SET caliber = (SELECT caliber FROM item WHERE item.id = acquisition.item_id);
CREATE INDEX acquisition_caliber_time ON acquisition(caliber, acquired_at);
)SQL",
        // 3: sync with a hub
        R"SQL(
CREATE TABLE sync_setting(name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE outbox(
  id INTEGER PRIMARY KEY, acquisition_id INTEGER NOT NULL UNIQUE REFERENCES acquisition(id),
  state TEXT NOT NULL CHECK(state IN ('queued','sent','failed')), attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL, last_error TEXT NOT NULL DEFAULT '', hub_id TEXT NOT NULL DEFAULT '',
  queued_at TEXT NOT NULL, sent_at TEXT NOT NULL DEFAULT '');
CREATE INDEX outbox_due ON outbox(state, next_attempt_at);
CREATE INDEX outbox_hub_id ON outbox(hub_id);
CREATE TABLE hub_acquisition(
  acquisition_id INTEGER PRIMARY KEY REFERENCES acquisition(id), hub_id TEXT NOT NULL UNIQUE, agency_code TEXT NOT NULL);
CREATE TABLE hub_candidate(
  candidate_id INTEGER PRIMARY KEY REFERENCES candidate(id), hub_candidate_id INTEGER NOT NULL,
  reported_outcome TEXT NOT NULL DEFAULT '');
)SQL",
        // 4: each audit event seals the rows it created or changed (their hashes are part of the event's hash)
        R"SQL(
CREATE TABLE audit_seal(
  event_id INTEGER NOT NULL, entity TEXT NOT NULL, row_id INTEGER NOT NULL, row_hash TEXT NOT NULL,
  PRIMARY KEY(event_id, entity, row_id));
CREATE INDEX audit_seal_row ON audit_seal(entity, row_id, event_id);
)SQL",
        // 5: who saw a hit's first conclusion before verifying it (a blind verification must not have)
        R"SQL(
CREATE TABLE hit_view(
  id INTEGER PRIMARY KEY, hit_id INTEGER NOT NULL REFERENCES hit(id), user_id INTEGER NOT NULL REFERENCES user(id),
  viewed_at TEXT NOT NULL, UNIQUE(hit_id, user_id));
)SQL",
        // 6: annotations: pins with notes on a scan, in the scan's frame (µm from its top-left point)
        R"SQL(
CREATE TABLE annotation(
  id INTEGER PRIMARY KEY, acquisition_id INTEGER NOT NULL REFERENCES acquisition(id), x_um REAL NOT NULL, y_um REAL NOT NULL,
  note TEXT NOT NULL, created_by INTEGER NOT NULL REFERENCES user(id), created_at TEXT NOT NULL);
CREATE INDEX annotation_acquisition ON annotation(acquisition_id);
)SQL",
        // 7: the search's first-stage signature of each breech face (derived from its processed scan, recomputable)
        R"SQL(
CREATE TABLE search_signature(
  acquisition_id INTEGER PRIMARY KEY REFERENCES acquisition(id), method TEXT NOT NULL, rings INTEGER NOT NULL,
  harmonics INTEGER NOT NULL, data BLOB NOT NULL);
)SQL",
        // 8: what investigators reported came of a lead (the feedback loop), ours or received from the hub
        // (then named by the pair of hub acquisitions), which of ours were sent (sync bookkeeping, outside the
        // sealed row); and the index statistics need to find a scan's runs
        R"SQL(
CREATE TABLE lead_outcome(
  id INTEGER PRIMARY KEY, lead_id INTEGER REFERENCES lead(id), candidate_id INTEGER REFERENCES candidate(id),
  kind TEXT NOT NULL CHECK(kind IN ('arrest','linked_cases','charge','no_value')), note TEXT NOT NULL DEFAULT '',
  agency_code TEXT NOT NULL, recorded_by TEXT NOT NULL, recorded_at TEXT NOT NULL,
  hub_feedback_id INTEGER UNIQUE, query_hub_id TEXT NOT NULL DEFAULT '', candidate_hub_id TEXT NOT NULL DEFAULT '');
CREATE INDEX lead_outcome_lead ON lead_outcome(lead_id);
CREATE INDEX lead_outcome_candidate ON lead_outcome(candidate_id);
CREATE TABLE outcome_sent(
  outcome_id INTEGER PRIMARY KEY REFERENCES lead_outcome(id), hub_feedback_id INTEGER NOT NULL UNIQUE, sent_at TEXT NOT NULL);
CREATE INDEX correlation_run_query ON correlation_run(query_acquisition_id);
)SQL",
        // 9: the reference list of calibers (a small factual starter set, docs/firearms.md) and the firearm
        // records (lost, stolen, trafficked, smuggled; found, seized, recovered, cleared) with normalised serials,
        // also reversed so that a serial whose start is obliterated ("*2345") is found through an index
        std::string(R"SQL(
CREATE TABLE caliber_reference(
  name TEXT PRIMARY KEY, cip_name TEXT NOT NULL DEFAULT '', aliases TEXT NOT NULL DEFAULT '',
  kind TEXT NOT NULL CHECK(kind IN ('pistol','rifle','rimfire','shotshell')), source TEXT NOT NULL);
)SQL")
            .append(starterCaliberRows())
            .append(R"SQL(
CREATE TABLE firearm_record(
  id INTEGER PRIMARY KEY, uid TEXT NOT NULL UNIQUE, owner_agency TEXT NOT NULL,
  status TEXT NOT NULL CHECK(status IN ('lost','stolen','trafficked','smuggled','found','seized','recovered','cleared')),
  serial TEXT NOT NULL, serial_normalized TEXT NOT NULL, serial_reversed TEXT NOT NULL, serial_obliterated INTEGER NOT NULL DEFAULT 0,
  serial_partial INTEGER NOT NULL DEFAULT 0, make TEXT NOT NULL DEFAULT '', model TEXT NOT NULL DEFAULT '',
  caliber TEXT NOT NULL DEFAULT '', caliber_listed INTEGER NOT NULL DEFAULT 1, type TEXT NOT NULL DEFAULT '',
  country_of_manufacture TEXT NOT NULL DEFAULT '', country_of_import TEXT NOT NULL DEFAULT '', importer TEXT NOT NULL DEFAULT '',
  other_markings TEXT NOT NULL DEFAULT '', event_date TEXT NOT NULL DEFAULT '', reported_at TEXT NOT NULL DEFAULT '',
  agency_case_number TEXT NOT NULL DEFAULT '', remarks TEXT NOT NULL DEFAULT '',
  shared INTEGER NOT NULL DEFAULT 0, withdrawn INTEGER NOT NULL DEFAULT 0,
  created_by INTEGER NOT NULL REFERENCES user(id), created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE INDEX firearm_record_serial ON firearm_record(serial_normalized);
CREATE INDEX firearm_record_serial_reversed ON firearm_record(serial_reversed);
CREATE INDEX firearm_record_make ON firearm_record(make COLLATE NOCASE, model COLLATE NOCASE);
CREATE TABLE seizure_check(
  id INTEGER PRIMARY KEY, agency TEXT NOT NULL, checked_by INTEGER NOT NULL REFERENCES user(id), checked_at TEXT NOT NULL,
  status TEXT NOT NULL CHECK(status IN ('found','seized','recovered')), serial TEXT NOT NULL, serial_partial INTEGER NOT NULL,
  make TEXT NOT NULL, model TEXT NOT NULL, caliber TEXT NOT NULL, agency_case_number TEXT NOT NULL, remarks TEXT NOT NULL);
CREATE TABLE seizure_match(
  check_id INTEGER NOT NULL REFERENCES seizure_check(id), record_id INTEGER NOT NULL REFERENCES firearm_record(id),
  how TEXT NOT NULL, PRIMARY KEY(check_id, record_id));
CREATE INDEX seizure_match_record ON seizure_match(record_id);
CREATE TABLE firearm_notification(
  id INTEGER PRIMARY KEY, agency TEXT NOT NULL, kind TEXT NOT NULL CHECK(kind IN ('seizure_match')),
  record_id INTEGER NOT NULL REFERENCES firearm_record(id), check_id INTEGER NOT NULL REFERENCES seizure_check(id),
  created_at TEXT NOT NULL, read_at TEXT NOT NULL DEFAULT '');
CREATE INDEX firearm_notification_agency ON firearm_notification(agency, read_at);
CREATE TABLE firearm_reference(
  id INTEGER PRIMARY KEY, make TEXT NOT NULL COLLATE NOCASE, model TEXT NOT NULL COLLATE NOCASE,
  type TEXT NOT NULL, calibers TEXT NOT NULL, country TEXT NOT NULL DEFAULT '', action TEXT NOT NULL DEFAULT '',
  barrel_length_mm REAL, markings TEXT NOT NULL DEFAULT '', serial_format TEXT NOT NULL DEFAULT '',
  maker_codes TEXT NOT NULL DEFAULT '', images TEXT NOT NULL DEFAULT '', version INTEGER NOT NULL, UNIQUE(make, model));
CREATE INDEX firearm_reference_model ON firearm_reference(model);
CREATE TABLE reference_meta(name TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO reference_meta(name, value) VALUES ('firearm_reference_version', '0');
CREATE TABLE trace_request(
  id INTEGER PRIMARY KEY, from_agency TEXT NOT NULL, to_agency TEXT NOT NULL,
  serial TEXT NOT NULL, make TEXT NOT NULL, model TEXT NOT NULL, caliber TEXT NOT NULL, type TEXT NOT NULL,
  country_of_manufacture TEXT NOT NULL, record_id INTEGER REFERENCES firearm_record(id),
  reason TEXT NOT NULL, priority TEXT NOT NULL CHECK(priority IN ('routine','urgent')), justification TEXT NOT NULL,
  due_date TEXT NOT NULL, status TEXT NOT NULL CHECK(status IN ('draft','submitted','acknowledged','in_progress','answered','rejected','closed')),
  response TEXT NOT NULL DEFAULT '', created_by INTEGER NOT NULL REFERENCES user(id), created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE INDEX trace_request_from ON trace_request(from_agency, status);
CREATE INDEX trace_request_to ON trace_request(to_agency, status);
CREATE TABLE trace_event(
  id INTEGER PRIMARY KEY, trace_id INTEGER NOT NULL REFERENCES trace_request(id), at TEXT NOT NULL,
  user_id INTEGER NOT NULL REFERENCES user(id), agency TEXT NOT NULL, kind TEXT NOT NULL CHECK(kind IN ('created','edited','status','comment')),
  from_status TEXT NOT NULL DEFAULT '', to_status TEXT NOT NULL DEFAULT '', text TEXT NOT NULL DEFAULT '');
CREATE INDEX trace_event_trace ON trace_event(trace_id);
CREATE TABLE firearm_alert(
  id INTEGER PRIMARY KEY, agency TEXT NOT NULL, kind TEXT NOT NULL CHECK(kind IN ('firearm','modus_operandi')),
  title TEXT NOT NULL, description TEXT NOT NULL, serial TEXT NOT NULL DEFAULT '', make TEXT NOT NULL DEFAULT '',
  model TEXT NOT NULL DEFAULT '', caliber TEXT NOT NULL DEFAULT '', circulated_by INTEGER NOT NULL REFERENCES user(id),
  circulated_at TEXT NOT NULL, withdrawn_at TEXT NOT NULL DEFAULT '', withdrawal_reason TEXT NOT NULL DEFAULT '');
)SQL"),
        // 10: the hub's firearm side as the store keeps it (FirearmHubSync.h): which shared records were sent as of
        // which change, the notices pulled (seizure matches of our records, alerts, trace steps) and the network's
        // alerts, for the workstation to show offline. Received or bookkeeping data, like the outbox: not sealed.
        // And the tailored reports of records and traces (FirearmStatistics.h): filters saved by name, audited;
        // the files attached to trace requests (sealed rows; the bytes in <store>/attachments by SHA-256); and the links
        // of records to the lab's firearms, whose test fires carry their ballistic leads (sealed).
        R"SQL(
CREATE INDEX firearm_record_owner ON firearm_record(owner_agency, shared);
CREATE TABLE firearm_record_sent(
  record_id INTEGER PRIMARY KEY REFERENCES firearm_record(id), sent_updated_at TEXT NOT NULL,
  state TEXT NOT NULL CHECK(state IN ('shared','withdrawn')), sent_at TEXT NOT NULL);
CREATE TABLE hub_notice(
  seq INTEGER PRIMARY KEY, kind TEXT NOT NULL, agency TEXT NOT NULL, subject_id INTEGER NOT NULL, record_uid TEXT NOT NULL,
  summary TEXT NOT NULL, at INTEGER NOT NULL, received_at TEXT NOT NULL, read_at TEXT NOT NULL DEFAULT '');
CREATE TABLE hub_alert(
  hub_id INTEGER PRIMARY KEY, agency TEXT NOT NULL, kind TEXT NOT NULL, title TEXT NOT NULL, description TEXT NOT NULL,
  serial TEXT NOT NULL, make TEXT NOT NULL, model TEXT NOT NULL, caliber TEXT NOT NULL, circulated_by TEXT NOT NULL,
  circulated_at TEXT NOT NULL, withdrawn_at TEXT NOT NULL, withdrawal_reason TEXT NOT NULL);
CREATE TABLE firearm_report(
  name TEXT PRIMARY KEY, filter_json TEXT NOT NULL, saved_by INTEGER NOT NULL REFERENCES user(id), saved_at TEXT NOT NULL);
CREATE TABLE trace_attachment(
  id INTEGER PRIMARY KEY, trace_id INTEGER NOT NULL REFERENCES trace_request(id), name TEXT NOT NULL, sha256 TEXT NOT NULL,
  size INTEGER NOT NULL, agency TEXT NOT NULL, added_by INTEGER NOT NULL REFERENCES user(id), added_at TEXT NOT NULL);
CREATE INDEX trace_attachment_trace ON trace_attachment(trace_id);
CREATE TABLE firearm_record_link(
  id INTEGER PRIMARY KEY, record_id INTEGER NOT NULL REFERENCES firearm_record(id), firearm_id INTEGER NOT NULL REFERENCES firearm(id),
  linked_by INTEGER NOT NULL REFERENCES user(id), linked_at TEXT NOT NULL, UNIQUE(record_id, firearm_id));
CREATE TABLE firearm_record_photo(
  id INTEGER PRIMARY KEY, record_id INTEGER NOT NULL REFERENCES firearm_record(id), name TEXT NOT NULL, sha256 TEXT NOT NULL,
  media_type TEXT NOT NULL, size INTEGER NOT NULL, added_by INTEGER NOT NULL REFERENCES user(id), added_at TEXT NOT NULL);
CREATE INDEX firearm_record_photo_record ON firearm_record_photo(record_id);
CREATE TABLE firearm_photo_sent(
  photo_id INTEGER PRIMARY KEY REFERENCES firearm_record_photo(id), hub_id INTEGER NOT NULL, sent_at TEXT NOT NULL);
)SQL",
    };
    return m;
}

}  // namespace striae::records
