using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;

namespace Store.Ops.Import;

/// <summary>How one file ended: new, a duplicate (known by MD5 and not sent, or sent and found the same), or failed with the reason.</summary>
public enum Outcome { New, KnownByMd5, SameContent, Failed }

/// <summary>The store refused the token (401/403): nothing more can be imported with it.</summary>
public sealed class TokenRefusedException(string message) : Exception(message);

/// <summary>The few calls an import makes, over the store's public HTTP API only.</summary>
public sealed class ImportClient : IDisposable
{
    readonly HttpClient _http;

    public ImportClient(Uri server, string? token)
    {
        // Large videos take long to send; Ctrl-C, not a timeout, ends a slow upload.
        _http = new HttpClient { BaseAddress = server, Timeout = Timeout.InfiniteTimeSpan };
        if (token is not null) _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    /// <summary>GET /: the store answers at all.</summary>
    public async Task<string?> ProblemReachingAsync(CancellationToken ct)
    {
        try
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
            limit.CancelAfter(TimeSpan.FromSeconds(15));
            using var response = await _http.GetAsync("", limit.Token);
            return response.IsSuccessStatusCode ? null : $"{_http.BaseAddress} answered {(int)response.StatusCode}";
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            return $"cannot reach {_http.BaseAddress}: {e.Message}";
        }
    }

    public async Task<(Outcome Outcome, string? Reason)> ImportAsync(ImportFile file, long? parentId, CancellationToken ct)
    {
        string md5;
        try
        {
            await using var read = File.OpenRead(file.Path);
            md5 = Convert.ToHexStringLower(await MD5.HashDataAsync(read, ct));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return (Outcome.Failed, $"cannot read it: {e.Message}"); }

        using (var lookup = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, $"entities/lookup?md5={md5}"), ct))
        {
            if (lookup.StatusCode is HttpStatusCode.OK or HttpStatusCode.Conflict) return (Outcome.KnownByMd5, null);
            if (lookup.StatusCode != HttpStatusCode.NotFound) return (Outcome.Failed, await ReasonAsync(lookup, ct));
        }

        using var upload = await SendAsync(() => new HttpRequestMessage(HttpMethod.Post, "entities") { Content = Form(file, parentId) }, ct);
        return upload.StatusCode switch
        {
            HttpStatusCode.Created => (Outcome.New, null),
            HttpStatusCode.OK => (Outcome.SameContent, null),
            _ => (Outcome.Failed, await ReasonAsync(upload, ct)),
        };
    }

    static MultipartFormDataContent Form(ImportFile file, long? parentId)
    {
        var form = new MultipartFormDataContent
        {
            { new StringContent("false"), "is_collection" },
            { new StringContent(Path.GetFileName(file.Path)), "label" },
        };
        if (parentId is { } parent) form.Add(new StringContent(parent.ToString()), "parent_id");
        var content = new StreamContent(File.OpenRead(file.Path), 1 << 16);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(content, "media_file", Path.GetFileName(file.Path));
        return form;
    }

    /// <summary>The id of the collection <paramref name="label"/> under <paramref name="parentId"/> (null: the top), created when there is none.</summary>
    public async Task<(long Id, bool Created)> CollectionAsync(string label, long? parentId, CancellationToken ct)
    {
        // Found again by label; a label used under several parents ("2024") is told apart by listing the parent's collections.
        using (var lookup = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, $"entities/lookup?label={Uri.EscapeDataString(label)}"), ct))
        {
            if (lookup.StatusCode == HttpStatusCode.OK)
            {
                var found = await JsonAsync(lookup, ct);
                if (ParentOf(found) == parentId && found.GetProperty("is_collection").GetBoolean()) return (found.GetProperty("id").GetInt64(), false);
            }
            else if (lookup.StatusCode is not (HttpStatusCode.NotFound or HttpStatusCode.Conflict))
                throw new IOException($"looking up the collection '{label}': {await ReasonAsync(lookup, ct)}");
        }
        if (await AmongChildrenAsync(label, parentId, ct) is { } existing) return (existing, false);

        var fields = new List<KeyValuePair<string, string>> { new("is_collection", "true"), new("label", label) };
        if (parentId is { } parent) fields.Add(new("parent_id", parent.ToString()));
        using var created = await SendAsync(() => new HttpRequestMessage(HttpMethod.Post, "entities") { Content = new FormUrlEncodedContent(fields) }, ct);
        if (created.StatusCode != HttpStatusCode.Created) throw new IOException($"creating the collection '{label}': {await ReasonAsync(created, ct)}");
        return ((await JsonAsync(created, ct)).GetProperty("id").GetInt64(), true);
    }

    async Task<long?> AmongChildrenAsync(string label, long? parentId, CancellationToken ct)
    {
        for (var page = 1; ; page++)
        {
            var url = $"entities?parent_id={parentId ?? 0}&is_collection=true&exclude_deleted=true&page_size=100&page={page}&search_query={Uri.EscapeDataString(label)}";
            using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, url), ct);
            if (!response.IsSuccessStatusCode) throw new IOException($"listing collections: {await ReasonAsync(response, ct)}");
            var body = await JsonAsync(response, ct);
            var items = body.GetProperty("items").EnumerateArray().ToList();
            foreach (var item in items)
                if (item.GetProperty("label").GetString() == label && ParentOf(item) == parentId) return item.GetProperty("id").GetInt64();
            if (items.Count < 100) return null;
        }
    }

    static long? ParentOf(JsonElement entity) =>
        entity.TryGetProperty("parent_id", out var p) && p.ValueKind == JsonValueKind.Number ? p.GetInt64() : null;

    /// <summary>Sends, retrying a store that is busy or briefly away (503, connection errors) a few times; a refused token ends the import.</summary>
    async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> request, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            HttpResponseMessage response;
            try
            {
                using var message = request();
                response = await _http.SendAsync(message, ct);
            }
            catch (HttpRequestException) when (attempt < 4)
            {
                await Task.Delay(TimeSpan.FromSeconds(attempt), ct);
                continue;
            }
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
                throw new TokenRefusedException($"the store answered {(int)response.StatusCode}: {await ReasonAsync(response, ct)}; "
                    + "give a token with media_store_write (--token or STORE_TOKEN)");
            if (response.StatusCode != HttpStatusCode.ServiceUnavailable || attempt >= 4) return response;
            response.Dispose();
            await Task.Delay(TimeSpan.FromSeconds(attempt), ct);
        }
    }

    static async Task<JsonElement> JsonAsync(HttpResponseMessage response, CancellationToken ct) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct)).RootElement.Clone();

    /// <summary>The store's detail, as it said it ({"detail": "text"} or the 422 list).</summary>
    static async Task<string> ReasonAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var text = await response.Content.ReadAsStringAsync(ct);
        try
        {
            var detail = JsonDocument.Parse(text).RootElement.GetProperty("detail");
            var said = detail.ValueKind == JsonValueKind.String
                ? detail.GetString()
                : string.Join("; ", detail.EnumerateArray().Select(d => d.TryGetProperty("msg", out var m) ? m.GetString() : d.ToString()));
            return $"{(int)response.StatusCode} {said}";
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return $"{(int)response.StatusCode} {text[..Math.Min(text.Length, 200)]}";
        }
    }

    public void Dispose() => _http.Dispose();
}
