package dev.imagine.bot.discord;

import dev.imagine.config.Secret;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.requests.RestConfig;
import net.dv8tion.jda.api.utils.SessionControllerAdapter;
import net.dv8tion.jda.api.utils.data.DataObject;

/**
 * Tells JDA which gateway to connect to: the one {@code GET /gateway/bot} names on the configured API, as Discord
 * advises, so that a test server (or a proxy) set in {@code discord.api-url} brings its own gateway along.
 */
final class GatewayLookup extends SessionControllerAdapter {
    private final String url;

    private GatewayLookup(String url) {
        this.url = url;
    }

    /**
     * Asks the API for the gateway.
     *
     * @param apiBase the REST base with its version and a trailing slash, such as {@code https://discord.com/api/v10/}
     * @throws IOException when the API cannot be reached or answers with something else than a gateway; the message
     *     never holds the token
     * @throws IllegalStateException when Discord refuses the token
     */
    static GatewayLookup find(String apiBase, Secret token, Duration timeout) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(timeout).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(apiBase + "gateway/bot")).timeout(timeout)
                .header("Authorization", "Bot " + token.reveal())
                .header("User-Agent", RestConfig.USER_AGENT)
                .GET().build();
        HttpResponse<String> response = client.send(request,
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        if (response.statusCode() == 401) {
            throw new IllegalStateException("Discord refused the bot token (discord.token or "
                    + "IMAGINE_DISCORD_TOKEN); copy it again from the Developer Portal's Bot page");
        }
        if (response.statusCode() != 200) {
            throw new IOException("GET " + apiBase + "gateway/bot answered HTTP " + response.statusCode());
        }
        String url;
        try {
            url = DataObject.fromJson(response.body()).getString("url");
        } catch (RuntimeException e) {
            throw new IOException("GET " + apiBase + "gateway/bot did not name a gateway: " + e.getMessage(), e);
        }
        if (!url.startsWith("wss://") && !url.startsWith("ws://")) {
            throw new IOException("GET " + apiBase + "gateway/bot named a gateway that is not a WebSocket: " + url);
        }
        return new GatewayLookup(url);
    }

    /** The gateway's address, without query. */
    @Override
    public String getGateway() {
        return url;
    }

    /** Not used: the adapter runs one unsharded session. */
    @Override
    public ShardedGateway getShardedGateway(JDA api) {
        return new ShardedGateway(url, 1);
    }
}
