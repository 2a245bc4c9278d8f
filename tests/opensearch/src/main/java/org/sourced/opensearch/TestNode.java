package org.sourced.opensearch;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.opensearch.analysis.common.CommonAnalysisPlugin;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.plugins.Plugin;
import org.opensearch.transport.Netty4Plugin;

/**
 * One OpenSearch node in this JVM, for sourced's integration tests (started by
 * tests/opensearch/cluster.sh, one JVM per node).
 *
 * <p>Usage: {@code TestNode HOME key=value...}: HOME is the node's home folder (its data and
 * logs go under it unless the settings say otherwise); every other argument is a node setting.
 * The node gets the Netty module (HTTP and transport) and the common analysis module
 * (tokenizers such as {@code whitespace} and {@code pattern}, filters such as
 * {@code lowercase} and {@code asciifolding}) as classpath plugins, as a distribution's
 * modules folder would give it. No security manager and no bootstrap checks: a test node on
 * loopback. SIGTERM closes the node cleanly (shutdown hook); SIGKILL is a crash.
 */
public final class TestNode {
    /** Node has a protected constructor that takes classpath plugins. */
    private static final class WithPlugins extends Node {
        WithPlugins(Environment environment) {
            super(environment, List.of(Netty4Plugin.class, CommonAnalysisPlugin.class), true);
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: TestNode HOME [key=value ...]");
            System.exit(2);
        }
        Settings.Builder settings = Settings.builder().put("path.home", args[0]);
        for (int i = 1; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            if (eq <= 0) {
                System.err.println("not a key=value setting: " + args[i]);
                System.exit(2);
            }
            settings.put(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        Environment environment = InternalSettingsPreparer.prepareEnvironment(
                settings.build(), Map.of(), (Path) null, () -> "test-node");
        Node node = new WithPlugins(environment);
        CountDownLatch closed = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.close();
                node.awaitClose(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                e.printStackTrace();
            } finally {
                closed.countDown();
            }
        }, "test-node-shutdown"));
        try {
            node.start();
        } catch (Throwable t) {
            t.printStackTrace();
            System.exit(1);
        }
        // The node's own threads are daemons: this one keeps the JVM up until SIGTERM.
        closed.await();
    }

    private TestNode() {}
}
