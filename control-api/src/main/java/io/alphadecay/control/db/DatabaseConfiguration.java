package io.alphadecay.control.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.alphadecay.control.config.AlphadecayProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * One DataSource for both modes: an external PostgreSQL when {@code ALPHADECAY_DB_URL} is set, otherwise the
 * embedded server under {@code ALPHADECAY_HOME/pgdata}.
 */
@Configuration(proxyBeanMethods = false)
class DatabaseConfiguration {

    private static final Logger log = LoggerFactory.getLogger(DatabaseConfiguration.class);

    @Bean(destroyMethod = "close")
    EmbeddedDatabaseHolder embeddedDatabase(AlphadecayProperties properties) {
        if (!properties.db().embedded()) {
            return new EmbeddedDatabaseHolder(null);
        }
        return new EmbeddedDatabaseHolder(EmbeddedDatabase.start(
                properties.home().resolve("pgdata"), properties.db().embeddedPort()));
    }

    @Bean(destroyMethod = "close")
    HikariDataSource dataSource(AlphadecayProperties properties, EmbeddedDatabaseHolder holder) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("control-api");
        config.setMaximumPoolSize(properties.db().maxPoolSize());
        if (holder.database() != null) {
            config.setJdbcUrl(holder.database().jdbcUrl());
            config.setUsername(holder.database().user());
        } else {
            config.setJdbcUrl(properties.db().url());
            config.setUsername(properties.db().user());
            config.setPassword(properties.db().password());
            log.info(
                    "Using the external PostgreSQL at {}",
                    redact(properties.db().url()));
        }
        return new HikariDataSource(config);
    }

    /** Drops any password a user put into the URL itself before it reaches a log line. */
    static String redact(String jdbcUrl) {
        int query = jdbcUrl.indexOf('?');
        return query < 0 ? jdbcUrl : jdbcUrl.substring(0, query) + "?…";
    }

    /** Closed after the DataSource (Spring destroys dependents first), so the pool never outlives the server. */
    record EmbeddedDatabaseHolder(EmbeddedDatabase database) implements AutoCloseable {

        @Override
        public void close() throws Exception {
            if (database != null) {
                database.close();
            }
        }
    }
}
