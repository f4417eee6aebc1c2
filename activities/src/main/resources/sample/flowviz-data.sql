-- Realistic HACCP data, deterministic for a given :lots and :anchor (an ISO instant): the same
-- inputs give the same rows, so tests can compare databases row for row.
INSERT INTO products (id, sku, name, category, shelf_life_days, created_at, updated_at)
SELECT md5('product-' || i)::uuid,
       'SKU-' || lpad(i::text, 5, '0'),
       (ARRAY['Smoked salmon', 'Cheddar', 'Chicken breast', 'Yogurt', 'Ham', 'Hummus', 'Orange juice', 'Sourdough'])[1 + i % 8]
         || ' ' || (ARRAY['200 g', '500 g', '1 kg', '2 kg'])[1 + i % 4],
       (ARRAY['fish', 'dairy', 'poultry', 'dairy', 'meat', 'ready_meal', 'beverage', 'bakery'])[1 + i % 8],
       (ARRAY[14, 60, 7, 21, 10, 5, 12, 4])[1 + i % 8],
       timestamptz :anchor - interval '400 days' + i * interval '1 hour',
       timestamptz :anchor - interval '400 days' + i * interval '1 hour'
FROM generate_series(1, greatest(8, :lots / 40)) AS i;

INSERT INTO users (id, email, full_name, role, created_at, updated_at)
SELECT md5('user-' || i)::uuid,
       'user' || i || '@flowviz.com',
       (ARRAY['Ana', 'Ben', 'Chloe', 'Dev', 'Eva', 'Femi', 'Gus', 'Hana'])[1 + i % 8] || ' '
         || (ARRAY['Martin', 'Okafor', 'Schmidt', 'Nakamura', 'Silva'])[1 + i % 5],
       (ARRAY['operator', 'operator', 'qa_manager', 'haccp_coordinator', 'admin'])[1 + i % 5],
       timestamptz :anchor - interval '380 days' + i * interval '1 day',
       timestamptz :anchor - interval '380 days' + i * interval '1 day'
FROM generate_series(1, greatest(5, :lots / 100)) AS i;

-- Lots spread over 90 days ending a day before the anchor; every tenth lot is reworked from an
-- earlier one. QC decisions and temperature readings follow their lot within hours.
INSERT INTO lots (id, lot_code, product_id, parent_lot_id, quantity, unit, status, produced_at, expires_at, created_by, created_at, updated_at)
SELECT md5('lot-' || i)::uuid,
       'LOT-' || to_char(timestamptz :anchor - interval '91 days' + (i * interval '90 days') / :lots, 'YYYYMMDD') || '-' || lpad(i::text, 6, '0'),
       md5('product-' || (1 + i % greatest(8, :lots / 40)))::uuid,
       CASE WHEN i % 10 = 0 AND i > 10 THEN md5('lot-' || (i - 7))::uuid END,
       round((50 + (i * 37) % 950)::numeric, 2),
       (ARRAY['kg', 'units', 'l'])[1 + i % 3],
       (ARRAY['released', 'released', 'released', 'shipped', 'on_hold', 'rejected', 'in_production'])[1 + i % 7],
       timestamptz :anchor - interval '91 days' + (i * interval '90 days') / :lots,
       timestamptz :anchor - interval '91 days' + (i * interval '90 days') / :lots + interval '30 days',
       md5('user-' || (1 + i % greatest(5, :lots / 100)))::uuid,
       timestamptz :anchor - interval '91 days' + (i * interval '90 days') / :lots,
       timestamptz :anchor - interval '91 days' + (i * interval '90 days') / :lots + interval '2 hours'
FROM generate_series(1, :lots) AS i;

INSERT INTO qc_decisions (id, lot_id, decision_type, critical_control_point, decided_by, notes, created_at, updated_at)
SELECT md5('qc-' || i || '-' || d)::uuid,
       md5('lot-' || i)::uuid,
       (ARRAY['release', 'release', 'release', 'hold', 'reject', 'rework'])[1 + (i + d) % 6],
       (ARRAY['CCP1 receiving temperature', 'CCP2 cooking core temperature', 'CCP3 metal detection', 'CCP4 chilling'])[1 + (i + d) % 4],
       md5('user-' || (1 + (i + d) % greatest(5, :lots / 100)))::uuid,
       CASE WHEN (i + d) % 6 IN (3, 4) THEN 'Deviation recorded; corrective action per HACCP plan' END,
       timestamptz :anchor - interval '91 days' + (i * interval '90 days') / :lots + d * interval '3 hours',
       timestamptz :anchor - interval '91 days' + (i * interval '90 days') / :lots + d * interval '3 hours'
FROM generate_series(1, :lots) AS i, generate_series(1, 2) AS d
WHERE d = 1 OR i % 2 = 0;

INSERT INTO temperature_logs (lot_id, sensor_id, location, temperature_c, within_limits, recorded_at, created_at)
SELECT md5('lot-' || i)::uuid,
       'SENSOR-' || lpad((1 + (i + r) % 24)::text, 2, '0'),
       (ARRAY['cold room A', 'cold room B', 'blast chiller', 'dispatch bay'])[1 + r % 4],
       round((2.0 + ((i * 7 + r * 13) % 60) / 10.0)::numeric, 2),
       ((i * 7 + r * 13) % 60) < 55,
       timestamptz :anchor - interval '91 days' + (i * interval '90 days') / :lots + r * interval '15 minutes',
       timestamptz :anchor - interval '91 days' + (i * interval '90 days') / :lots + r * interval '15 minutes'
FROM generate_series(1, :lots) AS i, generate_series(1, 20) AS r;

INSERT INTO user_audit_logs (user_id, action, entity_type, entity_id, details, ip_address, created_at)
SELECT md5('user-' || (1 + i % greatest(5, :lots / 100)))::uuid,
       (ARRAY['login', 'create_lot', 'update_lot', 'record_qc_decision', 'export_report'])[1 + i % 5],
       (ARRAY['session', 'lot', 'lot', 'qc_decision', 'report'])[1 + i % 5],
       CASE WHEN i % 5 IN (1, 2) THEN md5('lot-' || (1 + i % :lots))::uuid END,
       jsonb_build_object('client', 'flowviz-web', 'sequence', i),
       ('10.0.' || (i % 250) || '.' || (1 + i % 200))::inet,
       timestamptz :anchor - interval '90 days' + (i * interval '90 days') / (:lots * 3)
FROM generate_series(1, :lots * 3) AS i;

ANALYZE;
