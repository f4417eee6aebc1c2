-- The FlowViz traceability schema, as far as disaster recovery needs it: the tables runbook
-- sections 5 and 7 name, with the keys and constraints that make a restore meaningful.
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";

CREATE TABLE products (
  id          uuid PRIMARY KEY DEFAULT uuid_generate_v4(),
  sku         text NOT NULL UNIQUE,
  name        text NOT NULL,
  category    text NOT NULL,
  shelf_life_days integer NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE users (
  id          uuid PRIMARY KEY DEFAULT uuid_generate_v4(),
  email       text NOT NULL UNIQUE,
  full_name   text NOT NULL,
  role        text NOT NULL CHECK (role IN ('operator', 'qa_manager', 'haccp_coordinator', 'admin')),
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE lots (
  id          uuid PRIMARY KEY DEFAULT uuid_generate_v4(),
  lot_code    text NOT NULL UNIQUE,
  product_id  uuid NOT NULL REFERENCES products(id),
  parent_lot_id uuid REFERENCES lots(id),
  quantity    numeric(12,2) NOT NULL,
  unit        text NOT NULL,
  status      text NOT NULL CHECK (status IN ('in_production', 'on_hold', 'released', 'rejected', 'shipped')),
  produced_at timestamptz NOT NULL,
  expires_at  timestamptz NOT NULL,
  created_by  uuid NOT NULL REFERENCES users(id),
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX lots_product_idx ON lots(product_id);
CREATE INDEX lots_created_at_idx ON lots(created_at);

CREATE TABLE qc_decisions (
  id            uuid PRIMARY KEY DEFAULT uuid_generate_v4(),
  lot_id        uuid NOT NULL REFERENCES lots(id),
  decision_type text NOT NULL CHECK (decision_type IN ('release', 'hold', 'reject', 'rework')),
  critical_control_point text NOT NULL,
  decided_by    uuid NOT NULL REFERENCES users(id),
  notes         text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX qc_decisions_lot_idx ON qc_decisions(lot_id);

CREATE TABLE temperature_logs (
  id            bigserial PRIMARY KEY,
  lot_id        uuid NOT NULL REFERENCES lots(id),
  sensor_id     text NOT NULL,
  location      text NOT NULL,
  temperature_c numeric(5,2) NOT NULL,
  within_limits boolean NOT NULL,
  recorded_at   timestamptz NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX temperature_logs_lot_idx ON temperature_logs(lot_id, recorded_at);

CREATE TABLE user_audit_logs (
  id          bigserial PRIMARY KEY,
  user_id     uuid NOT NULL REFERENCES users(id),
  action      text NOT NULL,
  entity_type text NOT NULL,
  entity_id   uuid,
  details     jsonb NOT NULL DEFAULT '{}'::jsonb,
  ip_address  inet,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX user_audit_logs_user_idx ON user_audit_logs(user_id, created_at);
