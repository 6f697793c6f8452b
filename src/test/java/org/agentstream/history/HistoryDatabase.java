package org.agentstream.history;

import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.EntityTransaction;
import jakarta.persistence.spi.PersistenceProvider;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import javax.sql.DataSource;
import org.agentstream.testing.fixtures.LocalPostgres;
import org.h2.jdbcx.JdbcDataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The {@code history} unit of the WAR's persistence.xml on a fresh in-memory H2 (or a given database), through the
 * JPA provider of one server. No container runs, so the unit is switched to local transactions, which
 * {@link #inTransaction} begins and commits around each call, as the container does around each repository method.
 */
public final class HistoryDatabase implements AutoCloseable {

    public enum Provider {
        HIBERNATE("org.hibernate.jpa.HibernatePersistenceProvider", Map.of()),
        ECLIPSELINK("org.eclipse.persistence.jpa.PersistenceProvider", Map.of("eclipselink.logging.level", "WARNING"));

        private final String className;
        private final Map<String, String> settings;

        Provider(String className, Map<String, String> settings) {
            this.className = className;
            this.settings = settings;
        }
    }

    private final Provider provider;
    private final DataSource database;
    private final EntityManagerFactory factory;

    /** On a fresh in-memory H2. */
    public HistoryDatabase(Provider provider) {
        this(provider, freshH2());
    }

    /** On {@code database}, whose tables the unit creates when missing. */
    public HistoryDatabase(Provider provider, DataSource database) {
        this.provider = provider;
        this.database = database;
        Map<String, Object> settings = new HashMap<>(provider.settings);
        settings.put("jakarta.persistence.transactionType", "RESOURCE_LOCAL");
        settings.put("jakarta.persistence.jtaDataSource", database);
        settings.put("jakarta.persistence.nonJtaDataSource", database);
        try {
            PersistenceProvider jpa = (PersistenceProvider) Class.forName(provider.className)
                    .getDeclaredConstructor().newInstance();
            factory = jpa.createEntityManagerFactory("history", settings);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(provider + " is not on the test class path", e);
        }
        if (factory == null) {
            throw new IllegalStateException(provider + " found no persistence unit history");
        }
    }

    private static DataSource freshH2() {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:history-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000");
        h2.setUser("sa");
        h2.setPassword("sa");
        return h2;
    }

    /**
     * A database opened for a test class: on a fresh H2, or on a PostgreSQL server of the tests' own
     * ({@link LocalPostgres}) that closing it stops.
     */
    public record Opened(HistoryDatabase db, LocalPostgres postgres) implements AutoCloseable {

        public static Opened open(Provider provider, boolean onPostgreSql) throws IOException, InterruptedException {
            if (!onPostgreSql) {
                return new Opened(new HistoryDatabase(provider), null);
            }
            LocalPostgres postgres = LocalPostgres.start();
            try {
                PGSimpleDataSource database = new PGSimpleDataSource();
                database.setUrl(postgres.jdbcUrl());
                database.setUser(postgres.user());
                database.setPassword(postgres.password());
                return new Opened(new HistoryDatabase(provider, database), postgres);
            } catch (RuntimeException e) {
                postgres.close();
                throw e;
            }
        }

        @Override
        public void close() throws IOException, InterruptedException {
            try {
                db.close();
            } finally {
                if (postgres != null) {
                    postgres.close();
                }
            }
        }
    }

    /** The same provider and database through a persistence unit of its own, as another node of a cluster has. */
    public HistoryDatabase anotherNode() {
        return new HistoryDatabase(provider, database);
    }

    /** Runs work on a repository of its own, in one transaction that commits when work returns. */
    public <T> T inTransaction(Function<ConversationRepository, T> work) {
        EntityManager em = factory.createEntityManager();
        EntityTransaction transaction = em.getTransaction();
        try {
            transaction.begin();
            T result = work.apply(new JpaConversationRepository(em));
            transaction.commit();
            return result;
        } finally {
            if (transaction.isActive()) {
                transaction.rollback();
            }
            em.close();
        }
    }

    /**
     * A repository whose every call runs in a transaction of its own, as the container runs each repository method;
     * {@code beforeEachCall} runs first (and may throw, as a database that is down does).
     */
    public ConversationRepository repository(Runnable beforeEachCall) {
        return (ConversationRepository) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ConversationRepository.class}, (proxy, method, args) -> {
                    beforeEachCall.run();
                    return inTransaction(repository -> {
                        try {
                            return method.invoke(repository, args);
                        } catch (IllegalAccessException e) {
                            throw new IllegalStateException(e);
                        } catch (InvocationTargetException e) {
                            throw e.getCause() instanceof RuntimeException failure ? failure
                                    : new IllegalStateException(e.getCause());
                        }
                    });
                });
    }

    /** How many messages of the conversation are stored, whoever owns it. */
    long messagesOf(String conversationId) {
        EntityManager em = factory.createEntityManager();
        try {
            return em.createQuery("SELECT COUNT(m) FROM Message m WHERE m.conversation.id = :id", Long.class)
                    .setParameter("id", conversationId)
                    .getSingleResult();
        } finally {
            em.close();
        }
    }

    /**
     * The conversation's branch links, by position: "position<parent" ("-" for none), then " superseded" when the
     * position left the current branch.
     */
    List<String> linksOf(String conversationId) {
        EntityManager em = factory.createEntityManager();
        try {
            return em.createQuery("SELECT l FROM MessageLink l WHERE l.conversation.id = :id ORDER BY l.position",
                            MessageLink.class)
                    .setParameter("id", conversationId)
                    .getResultList().stream()
                    .map(link -> link.position() + "<" + (link.parentPosition() == null ? "-" : link.parentPosition())
                            + (link.isSuperseded() ? " superseded" : ""))
                    .toList();
        } finally {
            em.close();
        }
    }

    @Override
    public void close() {
        factory.close();
    }
}
