package dev.imagine.bot.models;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;

/**
 * Where the hub is and who we are to it.
 *
 * @param endpoint the hub's base URL without a trailing slash, e.g. {@code https://huggingface.co} or a mirror
 * @param token the access token for gated and private repositories, when there is one
 */
public record HubSettings(URI endpoint, Optional<HfToken> token) {
    /** The public hub. */
    public static final URI DEFAULT_ENDPOINT = URI.create("https://huggingface.co");
    /** The environment variable naming a mirror, as huggingface_hub reads it. */
    public static final String ENDPOINT_VARIABLE = "HF_ENDPOINT";
    /** The environment variable holding the access token, as huggingface_hub reads it. */
    public static final String TOKEN_VARIABLE = "HF_TOKEN";

    /** Checks the endpoint: http or https, a host, no credentials, query or fragment. */
    public HubSettings {
        if (endpoint == null) {
            throw new ModelException("the hub endpoint is missing");
        }
        String scheme = endpoint.getScheme() == null ? "" : endpoint.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || endpoint.getHost() == null) {
            throw new ModelException("hub endpoint '" + endpoint + "' is not an http(s) URL such as https://huggingface.co");
        }
        if (endpoint.getRawUserInfo() != null || endpoint.getRawQuery() != null || endpoint.getRawFragment() != null) {
            throw new ModelException("hub endpoint '" + endpoint.getScheme() + "://" + endpoint.getHost()
                    + "...' must be a plain base URL without credentials, query or fragment; put a token in HF_TOKEN");
        }
        String text = endpoint.toString();
        while (text.endsWith("/")) {
            text = text.substring(0, text.length() - 1);
        }
        endpoint = URI.create(text);
        token = token == null ? Optional.empty() : token;
    }

    /**
     * Settings from explicit values (options or configuration) first, then {@code HF_ENDPOINT} and
     * {@code HF_TOKEN} (or the older {@code HUGGING_FACE_HUB_TOKEN}), then the public hub without a token.
     *
     * @param endpoint an explicit endpoint, or {@code null}
     * @param token an explicit token, or {@code null}
     */
    public static HubSettings resolve(Environment environment, String endpoint, HfToken token) {
        String url = endpoint != null && !endpoint.isBlank() ? endpoint.strip()
                : environment.get(ENDPOINT_VARIABLE).map(String::strip).orElse(DEFAULT_ENDPOINT.toString());
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new ModelException("hub endpoint '" + url + "'" + (endpoint == null ? " (from HF_ENDPOINT)" : "")
                    + " is not a URL such as https://huggingface.co");
        }
        Optional<HfToken> resolved = token != null ? Optional.of(token)
                : environment.get(TOKEN_VARIABLE).or(() -> environment.get("HUGGING_FACE_HUB_TOKEN")).map(HfToken::of);
        return new HubSettings(uri, resolved);
    }

    /** The repository's page on this hub, where its licence is accepted. */
    public String modelPage(String repo) {
        return endpoint + "/" + repo;
    }

    /** The page where access tokens are created. */
    public String tokensPage() {
        return endpoint + "/settings/tokens";
    }

    /** Whether {@code uri} has this endpoint's scheme, host and port: only such requests carry the token. */
    boolean sameOrigin(URI uri) {
        return uri.getScheme() != null && uri.getHost() != null
                && uri.getScheme().equalsIgnoreCase(endpoint.getScheme())
                && uri.getHost().equalsIgnoreCase(endpoint.getHost())
                && port(uri) == port(endpoint);
    }

    private static int port(URI uri) {
        if (uri.getPort() >= 0) {
            return uri.getPort();
        }
        return uri.getScheme().equalsIgnoreCase("https") ? 443 : 80;
    }
}
