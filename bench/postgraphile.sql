-- What PostGraphile 5 serves in the benchmark: views over this project's tables giving the same
-- answers as yibao for an integrator (ID-2 masking), the scheme in force today (ID-3), and the
-- selections in effect or pending today (SE-2), "today" being the date in Asia/Shanghai.
DROP SCHEMA IF EXISTS bench_pgl CASCADE;
CREATE SCHEMA bench_pgl;

CREATE FUNCTION bench_pgl.today() RETURNS date LANGUAGE sql STABLE AS
$$ SELECT (now() AT TIME ZONE 'Asia/Shanghai')::date $$;

CREATE FUNCTION bench_pgl.mask(n text) RETURNS text LANGUAGE sql IMMUTABLE AS
$$ SELECT CASE WHEN length(n) <= 8 THEN left(n, 1) || repeat('*', length(n) - 1)
              ELSE left(n, 4) || repeat('*', length(n) - 8) || right(n, 4) END $$;

CREATE VIEW bench_pgl.persons AS
SELECT p.id, p.city, bench_pgl.mask(p.id_number) AS id_number, p.name,
       (SELECT sp.scheme FROM public.scheme_periods sp
         WHERE sp.person_id = p.id AND bench_pgl.today() BETWEEN sp.valid_from AND sp.valid_to
         ORDER BY sp.valid_from LIMIT 1) AS scheme
FROM public.persons p;
COMMENT ON VIEW bench_pgl.persons IS E'@primaryKey id';

CREATE VIEW bench_pgl.institutions AS
SELECT id, code, name, city, town, level, category, name_pinyin, name_initials FROM public.institutions;
COMMENT ON VIEW bench_pgl.institutions IS E'@primaryKey id';

CREATE VIEW bench_pgl.live_selections AS
SELECT s.id, s.person_id, s.institution_id, s.kind, s.effective_from, s.effective_to,
       CASE WHEN bench_pgl.today() < s.effective_from THEN 'PENDING' ELSE 'EFFECTIVE' END AS status
FROM public.selections s
WHERE s.withdrawn_at IS NULL AND bench_pgl.today() <= s.effective_to AND s.effective_from <= s.effective_to;
COMMENT ON VIEW bench_pgl.live_selections IS E'@primaryKey id\n@foreignKey (person_id) references bench_pgl.persons (id)\n@foreignKey (institution_id) references bench_pgl.institutions (id)';

-- IN-2 search by full pinyin, initials or code, as yibao's `institutions(search:)` for latin terms.
CREATE FUNCTION bench_pgl.search_institutions(city text, term text) RETURNS SETOF bench_pgl.institutions
LANGUAGE sql STABLE AS $$
  SELECT i.* FROM bench_pgl.institutions i
  WHERE i.city = search_institutions.city
    AND (i.name_pinyin LIKE '%' || term || '%' OR i.name_initials LIKE '%' || term || '%'
         OR lower(i.code) LIKE '%' || term || '%')
  ORDER BY i.code $$;
