// Starts an embedded Neo4j Community (the version pinned in pom.xml) with its Bolt connector on 127.0.0.1, for tests.
//
//   java -cp "$(cat ~/.cache/trailgraph/neo4j-<version>/classpath.txt)" Launcher.java PORT DATADIR PASSWORD
//
// PORT 0 lets the OS pick a free port. Once Bolt accepts connections it prints one line
// `TRAILGRAPH_NEO4J_READY port=<port> version=<version>` on stdout. It shuts down cleanly on SIGTERM or when its
// stdin closes, so a test run that dies cannot leave a JVM behind.
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Map;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.ConnectorPortRegister;
import org.neo4j.configuration.connectors.ConnectorType;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.io.ByteUnit;
import org.neo4j.kernel.internal.GraphDatabaseAPI;
import org.neo4j.kernel.internal.Version;

public class Launcher {
  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      System.err.println("usage: Launcher PORT DATADIR PASSWORD");
      System.exit(2);
    }
    int port = Integer.parseInt(args[0]);
    Path home = Path.of(args[1]).toAbsolutePath();
    String password = args[2];

    DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(home)
        .setConfig(BoltConnector.enabled, true)
        .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
        .setConfig(GraphDatabaseSettings.auth_enabled, true)
        // Small: several engineers and CI share a 2-core machine; the test graphs are at most ~100k nodes.
        .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(256))
        .setConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
        .build();
    Runtime.getRuntime().addShutdownHook(new Thread(dbms::shutdown));

    // The built-in user starts with password "neo4j" and must change it; tests log in with the one given.
    dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME).executeTransactionally(
        "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED", Map.of("password", password));

    GraphDatabaseAPI db = (GraphDatabaseAPI) dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
    int bound = db.getDependencyResolver().resolveDependency(ConnectorPortRegister.class)
        .getLocalAddress(ConnectorType.BOLT).getPort();
    System.out.println("TRAILGRAPH_NEO4J_READY port=" + bound + " version=" + Version.getNeo4jVersion());
    System.out.flush();

    InputStream in = System.in;
    byte[] buf = new byte[256];
    while (in.read(buf) != -1) {
      // nothing to read; this only waits for the parent to go away
    }
    System.exit(0);
  }
}
