import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;

/**
 * A Neo4j community DBMS for development and CI: Bolt on HOST:PORT, auth on, the password of the
 * user "neo4j" taken from the environment (never from the command line, where ps would show it).
 *
 * Usage: java -cp CLASSPATH:. Neo4jLocal HOME_DIR HOST PORT READY_FILE
 */
public final class Neo4jLocal {
    public static void main(String[] args) throws Exception {
        Path home = Path.of(args[0]);
        SocketAddress bolt = new SocketAddress(args[1], Integer.parseInt(args[2]));
        Path ready = Path.of(args[3]);
        String password = System.getenv().getOrDefault("NEO4J_PASSWORD", "");
        if (password.length() < 8) {
            System.err.println("NEO4J_PASSWORD must have at least 8 characters");
            System.exit(2);
        }
        Files.deleteIfExists(ready);

        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(home)
                .setConfig(GraphDatabaseSettings.auth_enabled, true)
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, bolt)
                .setConfig(GraphDatabaseSettings.pagecache_memory, 256L * 1024 * 1024)
                .build();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try { Files.deleteIfExists(ready); } catch (Exception ignored) { }
            dbms.shutdown();
        }));

        try {
            dbms.database("system").executeTransactionally(
                    "ALTER USER neo4j SET PASSWORD $pw CHANGE NOT REQUIRED", Map.of("pw", password));
        } catch (RuntimeException e) {
            // Re-setting the current password is refused; it is already what we want.
            if (!String.valueOf(e.getMessage()).contains("cannot be the same")) throw e;
        }
        Files.writeString(ready, "ready\n");
        System.out.println("Neo4j ready on bolt://" + bolt);
        Thread.currentThread().join();
    }
}
