using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Store.Tests.Infrastructure;

/// <summary>Short calls for the entity endpoints; the create helpers assert the 201 so tests read as steps.</summary>
public static class EntityApi
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task<JsonElement> CreateCollectionAsync(this HttpClient client, string? label = "collection",
        long? parentId = null, string? description = null)
    {
        var response = await client.PostAsync("/entities", Forms.Entity(true, label, description, parentId), Ct);
        return await Expect.StatusAsync(response, HttpStatusCode.Created);
    }

    /// <summary>Uploads <paramref name="content"/> as a small text file; distinct content gives a distinct entity.</summary>
    public static async Task<JsonElement> CreateMediaAsync(this HttpClient client, string content, string? label = null,
        long? parentId = null, string? description = null)
    {
        var response = await client.PostAsync("/entities", Forms.Entity(false, label, description, parentId, Forms.Text(content), "note.txt"), Ct);
        return await Expect.StatusAsync(response, HttpStatusCode.Created);
    }

    public static Task<HttpResponseMessage> GetEntityAsync(this HttpClient client, long id, string query = "") =>
        client.GetAsync($"/entities/{id}{query}", Ct);

    public static async Task<JsonElement> GetOkAsync(this HttpClient client, string url) =>
        await Expect.StatusAsync(await client.GetAsync(url, Ct), HttpStatusCode.OK);

    public static Task<HttpResponseMessage> PatchJsonAsync(this HttpClient client, long id, string json) =>
        client.PatchAsync($"/entities/{id}", new StringContent(json, Encoding.UTF8, "application/json"), Ct);

    public static Task<HttpResponseMessage> PatchAsync(this HttpClient client, long id, object body) =>
        client.PatchAsync($"/entities/{id}", JsonContent.Create(body), Ct);

    public static Task<HttpResponseMessage> PutFormAsync(this HttpClient client, long id, HttpContent form) =>
        client.PutAsync($"/entities/{id}", form, Ct);

    public static long Id(this JsonElement entity) => entity.GetProperty("id").GetInt64();

    public static string? Str(this JsonElement entity, string name) =>
        entity.GetProperty(name) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;

    public static bool IsNull(this JsonElement entity, string name) => entity.GetProperty(name).ValueKind == JsonValueKind.Null;

    public static IReadOnlyList<long> Ids(this JsonElement page) =>
        page.GetProperty("items").EnumerateArray().Select(Id).ToList();
}
