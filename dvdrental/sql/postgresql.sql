-- Sakila's seven views, Pagila's functions and column types, and film_text, for PostgreSQL. Installed by
-- dvdrental.sakila.sakila_objects_install at the end of every dvdrental seed, inside its transaction, with the
-- views and functions dropped first. Column names as in Pagila (lower case: id, sid, fid, "zip code").
--
-- Money owed follows this dataset's fee rules, not Sakila's: the rental fee is paid at the counter on the rental
-- day (a payment row), so what a customer can owe is late fees (late_fees: days overdue x the daily rate, capped),
-- less what was paid towards them by the day asked about. numeric holds any customer's total.

-- The seed's deferred foreign-key checks run now: PostgreSQL will not ALTER a table with checks still pending.
SET CONSTRAINTS ALL IMMEDIATE;

-- rating as Pagila's enum, ordered G < PG < PG-13 < R < NC-17. The values are the same strings (the ORM reads an
-- enum as text), so loads and digests see no change. The varchar_pattern_ops index Django adds beside a CharField
-- index cannot serve an enum: it goes first.
DO $$
BEGIN
    CREATE TYPE mpaa_rating AS ENUM ('G', 'PG', 'PG-13', 'R', 'NC-17');
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;

DO $$
DECLARE
    v_index record;
BEGIN
    IF (SELECT udt_name FROM information_schema.columns
         WHERE table_schema = current_schema() AND table_name = 'film' AND column_name = 'rating') <> 'mpaa_rating'
    THEN
        FOR v_index IN
            SELECT i.relname FROM pg_index x
              JOIN pg_class i ON i.oid = x.indexrelid
              JOIN pg_class t ON t.oid = x.indrelid
             WHERE t.relname = 'film' AND t.relnamespace = to_regnamespace(current_schema())::oid
               AND pg_get_indexdef(x.indexrelid) LIKE '%(rating varchar_pattern_ops)%'
        LOOP
            EXECUTE format('DROP INDEX %I', v_index.relname);
        END LOOP;
        ALTER TABLE film ALTER COLUMN rating TYPE mpaa_rating USING rating::mpaa_rating;
    END IF;
END $$;

-- Pagila's extra columns, computed by PostgreSQL from the columns Django writes (so every load fills them).
ALTER TABLE customer ADD COLUMN IF NOT EXISTS activebool boolean GENERATED ALWAYS AS (active) STORED;

ALTER TABLE film ADD COLUMN IF NOT EXISTS fulltext tsvector
    GENERATED ALWAYS AS (to_tsvector('english'::regconfig, title || ' ' || coalesce(description, ''))) STORED;

CREATE INDEX IF NOT EXISTS film_fulltext_idx ON film USING gist (fulltext);

CREATE TABLE IF NOT EXISTS film_text (
    film_id integer NOT NULL PRIMARY KEY,
    title varchar(255) NOT NULL,
    description text
);

-- film_text is a copy of film's searchable text (Sakila keeps it by triggers): refilled at every install.
DELETE FROM film_text;

INSERT INTO film_text (film_id, title, description) SELECT film_id, title, description FROM film;

CREATE VIEW actor_info AS
SELECT a.actor_id, a.first_name, a.last_name,
       string_agg(per_category.name || ': ' || per_category.titles, '; ' ORDER BY per_category.name) AS film_info
FROM actor a
LEFT JOIN (SELECT fa.actor_id, c.name, string_agg(f.title, ', ' ORDER BY f.title) AS titles
           FROM film_actor fa
           JOIN film f ON f.film_id = fa.film_id
           JOIN film_category fc ON fc.film_id = f.film_id
           JOIN category c ON c.category_id = fc.category_id
           GROUP BY fa.actor_id, c.category_id, c.name) AS per_category ON per_category.actor_id = a.actor_id
GROUP BY a.actor_id, a.first_name, a.last_name;

CREATE VIEW customer_list AS
SELECT cu.customer_id AS id, cu.first_name || ' ' || cu.last_name AS name, a.address, a.postal_code AS "zip code",
       a.phone, ci.city, co.country, CASE WHEN cu.activebool THEN 'active' ELSE '' END AS notes, cu.store_id AS sid
FROM customer cu
JOIN address a ON a.address_id = cu.address_id
JOIN city ci ON ci.city_id = a.city_id
JOIN country co ON co.country_id = ci.country_id;

CREATE VIEW film_list AS
SELECT f.film_id AS fid, f.title, f.description, c.name AS category, f.rental_rate AS price, f.length, f.rating,
       string_agg(ac.first_name || ' ' || ac.last_name, ', ' ORDER BY ac.last_name, ac.first_name) AS actors
FROM film f
LEFT JOIN film_category fc ON fc.film_id = f.film_id
LEFT JOIN category c ON c.category_id = fc.category_id
LEFT JOIN film_actor fa ON fa.film_id = f.film_id
LEFT JOIN actor ac ON ac.actor_id = fa.actor_id
GROUP BY f.film_id, f.title, f.description, c.name, f.rental_rate, f.length, f.rating;

CREATE VIEW nicer_but_slower_film_list AS
SELECT f.film_id AS fid, f.title, f.description, c.name AS category, f.rental_rate AS price, f.length, f.rating,
       string_agg(initcap(ac.first_name) || ' ' || initcap(ac.last_name), ', ' ORDER BY ac.last_name, ac.first_name)
           AS actors
FROM film f
LEFT JOIN film_category fc ON fc.film_id = f.film_id
LEFT JOIN category c ON c.category_id = fc.category_id
LEFT JOIN film_actor fa ON fa.film_id = f.film_id
LEFT JOIN actor ac ON ac.actor_id = fa.actor_id
GROUP BY f.film_id, f.title, f.description, c.name, f.rental_rate, f.length, f.rating;

CREATE VIEW sales_by_film_category AS
SELECT c.name AS category, SUM(p.amount) AS total_sales
FROM payment p
JOIN rental r ON r.rental_id = p.rental_id
JOIN inventory i ON i.inventory_id = r.inventory_id
JOIN film_category fc ON fc.film_id = i.film_id
JOIN category c ON c.category_id = fc.category_id
GROUP BY c.name
ORDER BY total_sales DESC;

CREATE VIEW sales_by_store AS
SELECT ci.city || ',' || co.country AS store, m.first_name || ' ' || m.last_name AS manager,
       SUM(p.amount) AS total_sales
FROM payment p
JOIN rental r ON r.rental_id = p.rental_id
JOIN inventory i ON i.inventory_id = r.inventory_id
JOIN store s ON s.store_id = i.store_id
JOIN address a ON a.address_id = s.address_id
JOIN city ci ON ci.city_id = a.city_id
JOIN country co ON co.country_id = ci.country_id
LEFT JOIN staff m ON m.staff_id = s.manager_staff_id
GROUP BY s.store_id, ci.city, co.country, m.first_name, m.last_name
ORDER BY co.country, ci.city;

CREATE VIEW staff_list AS
SELECT st.staff_id AS id, st.first_name || ' ' || st.last_name AS name, a.address, a.postal_code AS "zip code",
       a.phone, ci.city, co.country, st.store_id AS sid
FROM staff st
JOIN address a ON a.address_id = st.address_id
JOIN city ci ON ci.city_id = a.city_id
JOIN country co ON co.country_id = ci.country_id;

-- Pagila's film with special_features as text[]: `SET search_path TO pagila, public` and Pagila's queries
-- (`'Trailers' = ANY(special_features)`) run as written. The table keeps its comma-separated text (see the docs).
CREATE SCHEMA IF NOT EXISTS pagila;

CREATE VIEW pagila.film AS
SELECT f.film_id, f.title, f.description, f.release_year, f.language_id, f.original_language_id,
       f.rental_duration, f.rental_rate, f.length, f.replacement_cost, f.rating, f.last_update,
       string_to_array(f.special_features, ',')::text[] AS special_features, f.fulltext
FROM film f;

-- Late fees charged up to p_effective_date less what was paid towards them by then; never negative, since a
-- fee's paid_amount never exceeds it.
CREATE FUNCTION get_customer_balance(p_customer_id integer, p_effective_date timestamp with time zone)
RETURNS numeric LANGUAGE sql STABLE AS $$
    SELECT COALESCE(SUM(lf.total_fee), 0)
           - COALESCE(SUM(CASE WHEN lf.paid_date <= p_effective_date THEN lf.paid_amount ELSE 0 END), 0)
      FROM late_fees lf
     WHERE lf.customer_id = p_customer_id AND lf.fee_date <= p_effective_date
$$;

-- The customer holding the copy now (its open rental), or NULL.
CREATE FUNCTION inventory_held_by_customer(p_inventory_id integer)
RETURNS integer LANGUAGE sql STABLE AS $$
    SELECT r.customer_id FROM rental r
     WHERE r.inventory_id = p_inventory_id AND r.return_date IS NULL
     ORDER BY r.rental_date DESC
     LIMIT 1
$$;

-- On the shelf: not out on a rental, and not damaged, in maintenance, missing or written off (inventory.status).
CREATE FUNCTION inventory_in_stock(p_inventory_id integer)
RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM inventory i
                    WHERE i.inventory_id = p_inventory_id
                      AND i.status NOT IN ('damaged', 'maintenance', 'missing', 'written_off'))
       AND NOT EXISTS (SELECT 1 FROM rental r WHERE r.inventory_id = p_inventory_id AND r.return_date IS NULL)
$$;

CREATE FUNCTION film_in_stock(p_film_id integer, p_store_id integer, OUT p_film_count integer)
RETURNS SETOF integer LANGUAGE sql STABLE AS $$
    SELECT i.inventory_id FROM inventory i
     WHERE i.film_id = p_film_id AND i.store_id = p_store_id AND inventory_in_stock(i.inventory_id)
     ORDER BY i.inventory_id
$$;

CREATE FUNCTION film_not_in_stock(p_film_id integer, p_store_id integer, OUT p_film_count integer)
RETURNS SETOF integer LANGUAGE sql STABLE AS $$
    SELECT i.inventory_id FROM inventory i
     WHERE i.film_id = p_film_id AND i.store_id = p_store_id AND NOT inventory_in_stock(i.inventory_id)
     ORDER BY i.inventory_id
$$;

-- Pagila's last_day(), used by reporting queries written for it.
CREATE FUNCTION last_day(timestamp with time zone)
RETURNS date LANGUAGE sql IMMUTABLE STRICT AS $$
    SELECT (date_trunc('month', $1) + interval '1 month' - interval '1 day')::date
$$;

-- Customers with more than min_monthly_purchases payments and more than min_dollar_amount_purchased dollars in
-- the last complete month of the data (the data has no "today": the month before its last payment's month).
CREATE FUNCTION rewards_report(min_monthly_purchases integer, min_dollar_amount_purchased numeric)
RETURNS SETOF customer LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_month_end timestamp with time zone;
BEGIN
    IF min_monthly_purchases <= 0 THEN
        RAISE EXCEPTION 'Minimum monthly purchases parameter must be > 0';
    END IF;
    IF min_dollar_amount_purchased <= 0 THEN
        RAISE EXCEPTION 'Minimum monthly dollar amount purchased parameter must be > 0';
    END IF;
    SELECT date_trunc('month', MAX(p.payment_date)) INTO v_month_end FROM payment p;
    RETURN QUERY
        SELECT c.* FROM customer c
         WHERE c.customer_id IN (
               SELECT p.customer_id FROM payment p
                WHERE p.payment_date >= v_month_end - interval '1 month' AND p.payment_date < v_month_end
                GROUP BY p.customer_id
               HAVING SUM(p.amount) > min_dollar_amount_purchased AND COUNT(*) > min_monthly_purchases)
         ORDER BY c.customer_id;
END $$;
