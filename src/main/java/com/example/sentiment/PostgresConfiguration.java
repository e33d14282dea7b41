package com.example.sentiment;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import io.micrometer.core.instrument.MeterRegistry;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The one PostgreSQL database of the service: a connection pool on {@code sentiment.postgres.url}, its schema
 * brought up to date by Flyway ({@code db/migration}) before anything uses it. Each feature's PostgreSQL adapter
 * (the job queue, the active-version pointer, the feedback store; each chosen by its own setting, see
 * {@link ConditionalOnPostgres}) shares it. Nothing of this exists when none of them is chosen (the embedded
 * default), which needs no database.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(PostgresSelection.Needed.class)
class PostgresConfiguration {

    @Bean(destroyMethod = "close")
    HikariDataSource postgresDataSource(SentimentProperties properties, MeterRegistry meters) {
        SentimentProperties.Postgres settings = properties.postgres();
        if (settings.url() == null || settings.url().isBlank()) {
            throw new IllegalStateException("PostgreSQL (chosen by one of " + String.join(", ", PostgresSelection.SETTINGS)
                    + ") needs sentiment.postgres.url (jdbc:postgresql://HOST:PORT/DATABASE)");
        }
        HikariDataSource pool = new HikariDataSource(poolConfig(settings));
        pool.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(meters));
        try {
            // every replica runs this at start; Flyway's lock in the database lets one of them migrate at a time
            Flyway.configure().dataSource(pool).locations("classpath:db/migration").load().migrate();
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
        return pool;
    }

    /** A pool that gives up on an unreachable database after {@code connect-timeout}, so the API answers 503 soon. */
    static HikariConfig poolConfig(SentimentProperties.Postgres settings) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("sentiment-postgres");
        config.setJdbcUrl(settings.url());
        config.setUsername(settings.username());
        config.setPassword(settings.password());
        config.setMaximumPoolSize(settings.maxPoolSize());
        config.setMinimumIdle(Math.min(2, settings.maxPoolSize()));
        long timeoutMillis = Math.max(250, settings.connectTimeout().toMillis());
        config.setConnectionTimeout(timeoutMillis);
        config.setValidationTimeout(Math.min(timeoutMillis, 5000));
        config.addDataSourceProperty("connectTimeout", Math.max(1, settings.connectTimeout().toSeconds()));
        // a database that stops answering (rather than refusing) must not hold a request for ever
        config.addDataSourceProperty("socketTimeout", 60);
        config.addDataSourceProperty("tcpKeepAlive", true);
        config.addDataSourceProperty("ApplicationName", "sentiment-service");
        return config;
    }

    @Bean
    JdbcTemplate postgresJdbc(DataSource postgresDataSource) {
        return new JdbcTemplate(postgresDataSource);
    }

    @Bean
    TransactionTemplate postgresTransactions(DataSource postgresDataSource) {
        return new TransactionTemplate(new DataSourceTransactionManager(postgresDataSource));
    }
}
