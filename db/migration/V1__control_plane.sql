-- The control plane's schema. Flyway applies it at control-api start-up; this folder is its only source.

CREATE TABLE runs (
    id                UUID        PRIMARY KEY,
    seq               BIGSERIAL   NOT NULL UNIQUE,          -- stable order for pagination and claiming
    name              TEXT        NOT NULL,
    config            JSONB       NOT NULL,
    config_sha256     TEXT        NOT NULL,
    idempotency_key   TEXT        UNIQUE,
    provenance        JSONB       NOT NULL DEFAULT '{}'::jsonb,
    state             TEXT        NOT NULL CHECK (state IN ('QUEUED', 'RUNNING', 'CANCEL_REQUESTED', 'SUCCEEDED', 'FAILED', 'CANCELLED')),
    failure_reason    TEXT,
    step              BIGINT      NOT NULL DEFAULT 0,
    total_steps       BIGINT      NOT NULL,
    tokens_seen       BIGINT      NOT NULL DEFAULT 0,
    eta_seconds       DOUBLE PRECISION,
    attempt           INTEGER     NOT NULL DEFAULT 1,
    lease_owner       TEXT,
    lease_expires_at  TIMESTAMPTZ,
    created_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    started_at        TIMESTAMPTZ,
    finished_at       TIMESTAMPTZ
);
CREATE INDEX runs_state_seq ON runs (state, seq);
CREATE INDEX runs_name_seq ON runs (name, seq);
CREATE INDEX runs_lease_expiry ON runs (lease_expires_at) WHERE state IN ('RUNNING', 'CANCEL_REQUESTED');

CREATE TABLE run_events (
    id          BIGSERIAL   PRIMARY KEY,
    run_id      UUID        NOT NULL REFERENCES runs (id),
    type        TEXT        NOT NULL,
    message     TEXT        NOT NULL,
    data        JSONB       NOT NULL DEFAULT '{}'::jsonb,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX run_events_run ON run_events (run_id, id);

-- The event log is append-only: history is never rewritten, even by mistake.
CREATE FUNCTION run_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'run_events is append-only';
END;
$$;
CREATE TRIGGER run_events_no_update BEFORE UPDATE OR DELETE ON run_events
    FOR EACH ROW EXECUTE FUNCTION run_events_append_only();

CREATE TABLE metric_points (
    run_id       UUID             NOT NULL REFERENCES runs (id),
    name         TEXT             NOT NULL,
    step         BIGINT           NOT NULL,
    value        DOUBLE PRECISION NOT NULL,
    recorded_at  TIMESTAMPTZ      NOT NULL DEFAULT now(),
    PRIMARY KEY (run_id, name, step)
);

CREATE TABLE checkpoints (
    id          BIGSERIAL   PRIMARY KEY,
    run_id      UUID        NOT NULL REFERENCES runs (id),
    step        BIGINT      NOT NULL,
    uri         TEXT        NOT NULL,
    bytes       BIGINT      NOT NULL,
    sha256      TEXT        NOT NULL,
    state       TEXT        NOT NULL CHECK (state IN ('COMMITTED', 'ANALYZED')),
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (run_id, step)
);

CREATE TABLE analyses (
    id          BIGSERIAL        PRIMARY KEY,
    run_id      UUID             NOT NULL REFERENCES runs (id),
    step        BIGINT           NOT NULL,
    estimator   TEXT             NOT NULL,
    policy      TEXT             NOT NULL,
    wd0         DOUBLE PRECISION NOT NULL,
    s1          DOUBLE PRECISION NOT NULL,
    s2          DOUBLE PRECISION NOT NULL,
    duration_ms DOUBLE PRECISION,
    created_at  TIMESTAMPTZ      NOT NULL DEFAULT now(),
    UNIQUE (run_id, step, estimator)
);

CREATE TABLE analysis_modules (
    analysis_id        BIGINT           NOT NULL REFERENCES analyses (id) ON DELETE CASCADE,
    name               TEXT             NOT NULL,
    layer              INTEGER,
    module_type        TEXT,
    rows               INTEGER          NOT NULL,
    cols               INTEGER          NOT NULL,
    num_eigs           INTEGER          NOT NULL,
    alpha              DOUBLE PRECISION,
    x_min              DOUBLE PRECISION,
    ks_distance        DOUBLE PRECISION,
    lambda_max         DOUBLE PRECISION,
    stable_rank        DOUBLE PRECISION,
    log_spectral_norm  DOUBLE PRECISION,
    alpha_weighted     DOUBLE PRECISION,
    status             TEXT             NOT NULL CHECK (status IN ('ok', 'too-small', 'invalid')),
    weight_decay       DOUBLE PRECISION,
    PRIMARY KEY (analysis_id, name)
);

CREATE TABLE decay_overrides (
    run_id        UUID             NOT NULL REFERENCES runs (id),
    module_name   TEXT             NOT NULL,
    weight_decay  DOUBLE PRECISION NOT NULL CHECK (weight_decay >= 0),
    created_at    TIMESTAMPTZ      NOT NULL DEFAULT now(),
    PRIMARY KEY (run_id, module_name)
);
