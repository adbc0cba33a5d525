/**
 * The vulnerability DB: one SQLite file, written once by `db update` and read-only afterwards.
 * It stores the OSV model normalised into tables (so matching reads only what it needs, by
 * (ecosystem, package name)), plus CISA KEV and FIRST EPSS keyed by CVE, plus one row per feed with its
 * own freshness. Bump SCHEMA_VERSION on any change; readers refuse a DB of another version.
 */
export const SCHEMA_VERSION = 1;

export const DB_FILE_NAME = "vuln.db";

export const DDL = `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;

-- One row per source: "osv:Debian", "osv:npm", "kev", "epss".
CREATE TABLE feed (
  name        TEXT PRIMARY KEY,
  location    TEXT NOT NULL,   -- URL or directory it was read from
  data_as_of  TEXT,            -- newest record's modified / catalog release / EPSS score date
  imported_at TEXT NOT NULL,
  records     INTEGER NOT NULL,
  detail      TEXT             -- JSON: catalogVersion, EPSS model version, sha256 of the downloaded file
) WITHOUT ROWID;

CREATE TABLE advisory (
  id                TEXT PRIMARY KEY,
  feed              TEXT NOT NULL,
  modified          TEXT NOT NULL,
  published         TEXT,
  withdrawn         TEXT,
  summary           TEXT,
  details           TEXT,
  schema_version    TEXT,
  database_specific TEXT       -- JSON
);
CREATE INDEX advisory_feed ON advisory(feed);

-- aliases, related and upstream ids, both directions looked up.
CREATE TABLE advisory_id (advisory TEXT NOT NULL, kind TEXT NOT NULL, other TEXT NOT NULL);
CREATE INDEX advisory_id_advisory ON advisory_id(advisory);
CREATE INDEX advisory_id_other ON advisory_id(other);

-- severity[] of the record (affected IS NULL) and of each affected[] entry.
CREATE TABLE severity (advisory TEXT NOT NULL, affected INTEGER, type TEXT NOT NULL, score TEXT NOT NULL);
CREATE INDEX severity_advisory ON severity(advisory);

CREATE TABLE affected (
  advisory           TEXT NOT NULL,
  idx                INTEGER NOT NULL,  -- position in affected[]
  ecosystem          TEXT NOT NULL,     -- as published, with release: "Debian:12"
  name               TEXT NOT NULL,     -- as published
  name_key           TEXT NOT NULL,     -- normalised for lookup (PyPI: PEP 503)
  purl               TEXT,
  ranges             TEXT,              -- JSON OsvRange[]
  versions           TEXT,              -- JSON string[]
  ecosystem_specific TEXT,              -- JSON
  database_specific  TEXT,              -- JSON
  PRIMARY KEY (advisory, idx)
) WITHOUT ROWID;
CREATE INDEX affected_lookup ON affected(ecosystem, name_key);

CREATE TABLE reference (advisory TEXT NOT NULL, type TEXT NOT NULL, url TEXT NOT NULL);
CREATE INDEX reference_advisory ON reference(advisory);

CREATE TABLE kev (
  cve             TEXT PRIMARY KEY,
  date_added      TEXT NOT NULL,
  due_date        TEXT,
  ransomware      INTEGER NOT NULL,
  name            TEXT,
  required_action TEXT
) WITHOUT ROWID;

CREATE TABLE epss (cve TEXT PRIMARY KEY, score REAL NOT NULL, percentile REAL NOT NULL) WITHOUT ROWID;
`;
