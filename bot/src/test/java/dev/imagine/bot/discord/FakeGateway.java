package dev.imagine.bot.discord;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.java_websocket.WebSocket;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.server.WebSocketServer;

/**
 * The gateway half of {@link FakeDiscord}: Discord's gateway protocol, version 10, JSON without compression. On
 * connect it sends HELLO; on IDENTIFY with the right token it sends READY (the bot user, the application, one
 * unavailable server) and then GUILD_CREATE for that server; heartbeats are acknowledged. {@link #dispatch} sends an
 * event to the session that identified last.
 */
final class FakeGateway extends WebSocketServer {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String token;
    private final Supplier<ObjectNode> ready;
    private final Supplier<ObjectNode> guild;
    private final CountDownLatch started = new CountDownLatch(1);
    private volatile WebSocket session;
    private int sequence;

    FakeGateway(String token, Supplier<ObjectNode> ready, Supplier<ObjectNode> guild) {
        super(new InetSocketAddress("127.0.0.1", 0));
        this.token = token;
        this.ready = ready;
        this.guild = guild;
        setReuseAddr(true);
        setDaemon(true);
    }

    /** Starts listening and waits until the port is open. */
    void open() throws InterruptedException {
        start();
        if (!started.await(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the fake gateway did not start");
        }
    }

    @Override
    public void onStart() {
        started.countDown();
    }

    @Override
    public void onOpen(WebSocket conn, ClientHandshake handshake) {
        ObjectNode hello = JSON.createObjectNode().put("op", 10);
        hello.putObject("d").put("heartbeat_interval", 41_250);
        hello.putNull("s");
        hello.putNull("t");
        conn.send(hello.toString());
    }

    @Override
    public void onMessage(WebSocket conn, String message) {
        JsonNode frame;
        try {
            frame = JSON.readTree(message);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        switch (frame.path("op").asInt(-1)) {
            case 1 -> conn.send("{\"op\":11}");
            case 2 -> identify(conn, frame.path("d"));
            case 6 -> conn.send("{\"op\":9,\"d\":false}");
            default -> {
                // presence updates and member requests need no answer here
            }
        }
    }

    private void identify(WebSocket conn, JsonNode identify) {
        if (!token.equals(identify.path("token").asText())) {
            conn.close(4004, "Authentication failed.");
            return;
        }
        synchronized (this) {
            session = conn;
            sequence = 0;
            send(conn, "READY", ready.get());
            send(conn, "GUILD_CREATE", guild.get());
        }
    }

    /** Sends an event to the last identified session. */
    synchronized void dispatch(String type, ObjectNode data) {
        WebSocket conn = session;
        if (conn == null || !conn.isOpen()) {
            throw new IllegalStateException("no bot is connected to the fake gateway");
        }
        send(conn, type, data);
    }

    private void send(WebSocket conn, String type, ObjectNode data) {
        ObjectNode frame = JSON.createObjectNode().put("op", 0).put("t", type).put("s", ++sequence);
        frame.set("d", data);
        conn.send(frame.toString());
    }

    @Override
    public void onClose(WebSocket conn, int code, String reason, boolean remote) {
        synchronized (this) {
            if (conn == session) {
                session = null;
            }
        }
    }

    @Override
    public void onError(WebSocket conn, Exception ex) {
        // a client that goes away mid-frame is normal when a bot shuts down
    }

    /** The ws:// address. */
    String url() {
        return "ws://127.0.0.1:" + getPort();
    }
}
