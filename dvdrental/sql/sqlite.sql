-- Sakila's seven views and its film_text table, for SQLite. Installed by dvdrental.sakila.sakila_objects_install
-- at the end of every dvdrental seed (the views are dropped first, so this file runs on a database that has none).
-- Column names as in Sakila, including the quoted "zip code". SQLite adds decimals as floats: totals are rounded
-- to the cent.

CREATE TABLE IF NOT EXISTS film_text (
    film_id INTEGER NOT NULL PRIMARY KEY,
    title VARCHAR(255) NOT NULL,
    description TEXT
);

-- film_text is a copy of film's searchable text (Sakila keeps it by triggers): refilled at every install.
DELETE FROM film_text;

INSERT INTO film_text (film_id, title, description) SELECT film_id, title, description FROM film;

CREATE VIEW actor_info AS
SELECT a.actor_id, a.first_name, a.last_name, group_concat(per_category.line, '; ') AS film_info
FROM actor a
LEFT JOIN (SELECT titles.actor_id, titles.name, titles.name || ': ' || group_concat(titles.title, ', ') AS line
           FROM (SELECT fa.actor_id, c.name, f.title FROM film_actor fa
                 JOIN film f ON f.film_id = fa.film_id
                 JOIN film_category fc ON fc.film_id = f.film_id
                 JOIN category c ON c.category_id = fc.category_id
                 ORDER BY fa.actor_id, c.name, f.title) AS titles
           GROUP BY titles.actor_id, titles.name
           ORDER BY titles.actor_id, titles.name) AS per_category ON per_category.actor_id = a.actor_id
GROUP BY a.actor_id, a.first_name, a.last_name;

CREATE VIEW customer_list AS
SELECT cu.customer_id AS "ID", cu.first_name || ' ' || cu.last_name AS name, a.address, a.postal_code AS "zip code",
       a.phone, ci.city, co.country, CASE WHEN cu.active THEN 'active' ELSE '' END AS notes, cu.store_id AS "SID"
FROM customer cu
JOIN address a ON a.address_id = cu.address_id
JOIN city ci ON ci.city_id = a.city_id
JOIN country co ON co.country_id = ci.country_id;

CREATE VIEW film_list AS
SELECT f.film_id AS "FID", f.title, f.description, c.name AS category, f.rental_rate AS price, f.length, f.rating,
       (SELECT group_concat(names.full_name, ', ')
        FROM (SELECT ac.first_name || ' ' || ac.last_name AS full_name FROM film_actor fa
              JOIN actor ac ON ac.actor_id = fa.actor_id WHERE fa.film_id = f.film_id
              ORDER BY ac.last_name, ac.first_name) AS names) AS actors
FROM film f
LEFT JOIN film_category fc ON fc.film_id = f.film_id
LEFT JOIN category c ON c.category_id = fc.category_id;

CREATE VIEW nicer_but_slower_film_list AS
SELECT f.film_id AS "FID", f.title, f.description, c.name AS category, f.rental_rate AS price, f.length, f.rating,
       (SELECT group_concat(names.full_name, ', ')
        FROM (SELECT upper(substr(ac.first_name, 1, 1)) || lower(substr(ac.first_name, 2)) || ' '
                     || upper(substr(ac.last_name, 1, 1)) || lower(substr(ac.last_name, 2)) AS full_name
              FROM film_actor fa JOIN actor ac ON ac.actor_id = fa.actor_id WHERE fa.film_id = f.film_id
              ORDER BY ac.last_name, ac.first_name) AS names) AS actors
FROM film f
LEFT JOIN film_category fc ON fc.film_id = f.film_id
LEFT JOIN category c ON c.category_id = fc.category_id;

CREATE VIEW sales_by_film_category AS
SELECT c.name AS category, ROUND(SUM(p.amount), 2) AS total_sales
FROM payment p
JOIN rental r ON r.rental_id = p.rental_id
JOIN inventory i ON i.inventory_id = r.inventory_id
JOIN film_category fc ON fc.film_id = i.film_id
JOIN category c ON c.category_id = fc.category_id
GROUP BY c.name
ORDER BY total_sales DESC;

CREATE VIEW sales_by_store AS
SELECT ci.city || ',' || co.country AS store, m.first_name || ' ' || m.last_name AS manager,
       ROUND(SUM(p.amount), 2) AS total_sales
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
SELECT st.staff_id AS "ID", st.first_name || ' ' || st.last_name AS name, a.address, a.postal_code AS "zip code",
       a.phone, ci.city, co.country, st.store_id AS "SID"
FROM staff st
JOIN address a ON a.address_id = st.address_id
JOIN city ci ON ci.city_id = a.city_id
JOIN country co ON co.country_id = ci.country_id;
