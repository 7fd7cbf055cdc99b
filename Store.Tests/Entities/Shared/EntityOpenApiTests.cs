using System.Text.Json;
using Store.Tests.Infrastructure;

namespace Store.Tests.Entities.Shared;

/// <summary>The entity operations document what they really take and answer (the snapshot shows everything; these say why it matters).</summary>
/// <remarks>The tests only read the document, so they share one service.</remarks>
public sealed class EntityOpenApiTests(SharedStore shared) : IClassFixture<SharedStore>
{
    async Task<JsonElement> PathsAsync() => (await shared.Host.Client.GetOkAsync("/openapi/v1.json")).GetProperty("paths");

    static JsonElement Schema(JsonElement content, string contentType) => content.GetProperty(contentType).GetProperty("schema");

    [Fact]
    public async Task File_download_declares_a_binary_body_for_200_and_206_and_its_304_and_416()
    {
        var responses = (await PathsAsync()).GetProperty("/entities/{entity_id}/file").GetProperty("get").GetProperty("responses");
        foreach (var status in new[] { "200", "206" })
            Assert.Equal("#/components/schemas/Stream", Schema(responses.GetProperty(status).GetProperty("content"), "application/octet-stream").GetProperty("$ref").GetString());
        Assert.True(responses.TryGetProperty("304", out _));
        Assert.True(responses.TryGetProperty("416", out _));
    }

    [Fact]
    public async Task Patch_documents_the_plain_and_the_wrapped_json_and_both_forms()
    {
        var content = (await PathsAsync()).GetProperty("/entities/{entity_id}").GetProperty("patch").GetProperty("requestBody").GetProperty("content");
        var json = Schema(content, "application/json").GetProperty("oneOf").EnumerateArray().Select(s => s.GetProperty("$ref").GetString());
        Assert.Equal(["#/components/schemas/PatchEntityRequest", "#/components/schemas/PatchEntityWrappedRequest"], json);
        foreach (var form in new[] { "multipart/form-data", "application/x-www-form-urlencoded" })
            Assert.Equal("#/components/schemas/PatchEntityRequest", Schema(content, form).GetProperty("$ref").GetString());
    }

    [Theory]
    [InlineData("/entities", "post")]
    [InlineData("/entities/{entity_id}", "put")]
    public async Task Create_and_replace_document_both_forms_with_both_file_fields(string path, string method)
    {
        var content = (await PathsAsync()).GetProperty(path).GetProperty(method).GetProperty("requestBody").GetProperty("content");
        Assert.Equal(["multipart/form-data", "application/x-www-form-urlencoded"], content.EnumerateObject().Select(p => p.Name));
        var host = shared.Host;
        var document = await host.Client.GetOkAsync("/openapi/v1.json");
        var name = Schema(content, "multipart/form-data").GetProperty("$ref").GetString()!.Split('/')[^1];
        var properties = document.GetProperty("components").GetProperty("schemas").GetProperty(name).GetProperty("properties");
        Assert.True(properties.TryGetProperty("media_file", out _), properties.ToString());
        Assert.True(properties.TryGetProperty("image", out _), properties.ToString());
    }
}
