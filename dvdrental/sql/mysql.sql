-- Sakila's seven views, six routines, film_text table and ENUM/SET column types, for MariaDB and MySQL. Installed
-- by dvdrental.sakila.sakila_objects_install after every dvdrental seed has committed (MySQL commits on DDL), with
-- the views and routines dropped first. Runs in the mysql client as well (it understands DELIMITER).
--
-- Money owed follows this dataset's fee rules, not Sakila's: the rental fee is paid at the counter on the rental
-- day (a payment row), so what a customer can owe is late fees (late_fees: days overdue x the daily rate, capped),
-- less what was paid towards them by the day asked about. DECIMAL(12,2) holds any customer's total.

-- Sakila's column types: the values are the same strings, so the ORM, the loaders and the digests see no change;
-- ORDER BY rating now sorts G < PG < PG-13 < R < NC-17 and FIND_IN_SET works on special_features.
ALTER TABLE film
    MODIFY rating ENUM('G', 'PG', 'PG-13', 'R', 'NC-17') NOT NULL,
    MODIFY special_features SET('Trailers', 'Commentaries', 'Deleted Scenes', 'Behind the Scenes') NULL;

CREATE TABLE IF NOT EXISTS film_text (
    film_id INT NOT NULL PRIMARY KEY,
    title VARCHAR(255) NOT NULL,
    description TEXT,
    FULLTEXT KEY idx_title_description (title, description)
) ENGINE = InnoDB;

-- film_text is a copy of film's searchable text (Sakila keeps it by triggers): refilled at every install.
DELETE FROM film_text;

INSERT INTO film_text (film_id, title, description) SELECT film_id, title, description FROM film;

CREATE VIEW actor_info AS
SELECT a.actor_id, a.first_name, a.last_name,
       GROUP_CONCAT(CONCAT(per_category.name, ': ', per_category.titles) ORDER BY per_category.name SEPARATOR '; ')
           AS film_info
FROM actor a
LEFT JOIN (SELECT fa.actor_id, c.name, GROUP_CONCAT(f.title ORDER BY f.title SEPARATOR ', ') AS titles
           FROM film_actor fa
           JOIN film f ON f.film_id = fa.film_id
           JOIN film_category fc ON fc.film_id = f.film_id
           JOIN category c ON c.category_id = fc.category_id
           GROUP BY fa.actor_id, c.category_id, c.name) AS per_category ON per_category.actor_id = a.actor_id
GROUP BY a.actor_id, a.first_name, a.last_name;

CREATE VIEW customer_list AS
SELECT cu.customer_id AS `ID`, CONCAT(cu.first_name, ' ', cu.last_name) AS name, a.address,
       a.postal_code AS `zip code`, a.phone, ci.city, co.country, IF(cu.active, 'active', '') AS notes,
       cu.store_id AS `SID`
FROM customer cu
JOIN address a ON a.address_id = cu.address_id
JOIN city ci ON ci.city_id = a.city_id
JOIN country co ON co.country_id = ci.country_id;

CREATE VIEW film_list AS
SELECT f.film_id AS `FID`, f.title, f.description, c.name AS category, f.rental_rate AS price, f.length, f.rating,
       GROUP_CONCAT(CONCAT(ac.first_name, ' ', ac.last_name) ORDER BY ac.last_name, ac.first_name SEPARATOR ', ')
           AS actors
FROM film f
LEFT JOIN film_category fc ON fc.film_id = f.film_id
LEFT JOIN category c ON c.category_id = fc.category_id
LEFT JOIN film_actor fa ON fa.film_id = f.film_id
LEFT JOIN actor ac ON ac.actor_id = fa.actor_id
GROUP BY f.film_id, f.title, f.description, c.name, f.rental_rate, f.length, f.rating;

CREATE VIEW nicer_but_slower_film_list AS
SELECT f.film_id AS `FID`, f.title, f.description, c.name AS category, f.rental_rate AS price, f.length, f.rating,
       GROUP_CONCAT(CONCAT(UPPER(LEFT(ac.first_name, 1)), LOWER(SUBSTRING(ac.first_name, 2)), ' ',
                           UPPER(LEFT(ac.last_name, 1)), LOWER(SUBSTRING(ac.last_name, 2)))
                    ORDER BY ac.last_name, ac.first_name SEPARATOR ', ') AS actors
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
SELECT CONCAT(ci.city, ',', co.country) AS store, CONCAT(m.first_name, ' ', m.last_name) AS manager,
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
SELECT st.staff_id AS `ID`, CONCAT(st.first_name, ' ', st.last_name) AS name, a.address,
       a.postal_code AS `zip code`, a.phone, ci.city, co.country, st.store_id AS `SID`
FROM staff st
JOIN address a ON a.address_id = st.address_id
JOIN city ci ON ci.city_id = a.city_id
JOIN country co ON co.country_id = ci.country_id;

DELIMITER //

-- Late fees charged up to p_effective_date less what was paid towards them by then; never negative, since a
-- fee's paid_amount never exceeds it.
CREATE FUNCTION get_customer_balance(p_customer_id INT, p_effective_date DATETIME) RETURNS DECIMAL(12, 2)
    READS SQL DATA
BEGIN
    DECLARE v_balance DECIMAL(12, 2);
    SELECT COALESCE(SUM(lf.total_fee), 0)
           - COALESCE(SUM(CASE WHEN lf.paid_date <= p_effective_date THEN lf.paid_amount ELSE 0 END), 0)
      INTO v_balance
      FROM late_fees lf
     WHERE lf.customer_id = p_customer_id AND lf.fee_date <= p_effective_date;
    RETURN v_balance;
END //

-- The customer holding the copy now (its open rental), or NULL.
CREATE FUNCTION inventory_held_by_customer(p_inventory_id INT) RETURNS INT
    READS SQL DATA
BEGIN
    DECLARE v_customer_id INT DEFAULT NULL;
    SELECT r.customer_id INTO v_customer_id
      FROM rental r
     WHERE r.inventory_id = p_inventory_id AND r.return_date IS NULL
     ORDER BY r.rental_date DESC
     LIMIT 1;
    RETURN v_customer_id;
END //

-- On the shelf: not out on a rental, and not damaged, in maintenance, missing or written off (inventory.status).
CREATE FUNCTION inventory_in_stock(p_inventory_id INT) RETURNS BOOLEAN
    READS SQL DATA
BEGIN
    DECLARE v_usable INT DEFAULT 0;
    DECLARE v_out INT DEFAULT 0;
    SELECT COUNT(*) INTO v_usable
      FROM inventory i
     WHERE i.inventory_id = p_inventory_id
       AND i.status NOT IN ('damaged', 'maintenance', 'missing', 'written_off');
    SELECT COUNT(*) INTO v_out FROM rental r WHERE r.inventory_id = p_inventory_id AND r.return_date IS NULL;
    RETURN v_usable > 0 AND v_out = 0;
END //

CREATE PROCEDURE film_in_stock(IN p_film_id INT, IN p_store_id INT, OUT p_film_count INT)
    READS SQL DATA
BEGIN
    SELECT i.inventory_id FROM inventory i
     WHERE i.film_id = p_film_id AND i.store_id = p_store_id AND inventory_in_stock(i.inventory_id)
     ORDER BY i.inventory_id;
    SELECT COUNT(*) INTO p_film_count FROM inventory i
     WHERE i.film_id = p_film_id AND i.store_id = p_store_id AND inventory_in_stock(i.inventory_id);
END //

CREATE PROCEDURE film_not_in_stock(IN p_film_id INT, IN p_store_id INT, OUT p_film_count INT)
    READS SQL DATA
BEGIN
    SELECT i.inventory_id FROM inventory i
     WHERE i.film_id = p_film_id AND i.store_id = p_store_id AND NOT inventory_in_stock(i.inventory_id)
     ORDER BY i.inventory_id;
    SELECT COUNT(*) INTO p_film_count FROM inventory i
     WHERE i.film_id = p_film_id AND i.store_id = p_store_id AND NOT inventory_in_stock(i.inventory_id);
END //

-- Customers with more than min_monthly_purchases payments and more than min_dollar_amount_purchased dollars in
-- the last complete month of the data (the data has no "today": the month before its last payment's month).
CREATE PROCEDURE rewards_report(IN min_monthly_purchases TINYINT UNSIGNED,
                                IN min_dollar_amount_purchased DECIMAL(12, 2), OUT count_rewardees INT)
    READS SQL DATA
BEGIN
    DECLARE v_month_end DATE;
    DECLARE v_month_start DATE;
    IF min_monthly_purchases = 0 THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'Minimum monthly purchases parameter must be > 0';
    END IF;
    IF min_dollar_amount_purchased <= 0 THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'Minimum monthly dollar amount purchased parameter must be > 0';
    END IF;
    SELECT LAST_DAY(MAX(p.payment_date) - INTERVAL 1 MONTH) + INTERVAL 1 DAY INTO v_month_end FROM payment p;
    SET v_month_start = v_month_end - INTERVAL 1 MONTH;
    SELECT c.* FROM customer c
      JOIN (SELECT p.customer_id FROM payment p
             WHERE p.payment_date >= v_month_start AND p.payment_date < v_month_end
             GROUP BY p.customer_id
            HAVING SUM(p.amount) > min_dollar_amount_purchased AND COUNT(*) > min_monthly_purchases) AS best
        ON best.customer_id = c.customer_id
     ORDER BY c.customer_id;
    SELECT COUNT(*) INTO count_rewardees
      FROM (SELECT p.customer_id FROM payment p
             WHERE p.payment_date >= v_month_start AND p.payment_date < v_month_end
             GROUP BY p.customer_id
            HAVING SUM(p.amount) > min_dollar_amount_purchased AND COUNT(*) > min_monthly_purchases) AS best;
END //

DELIMITER ;
