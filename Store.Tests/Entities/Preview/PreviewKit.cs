using System.Net;
using System.Text.Json;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using Store.Tests.Infrastructure;

namespace Store.Tests.Entities.Preview;

/// <summary>Uploads and preview reads for the preview tests: previews come back decoded, so tests look at pixels.</summary>
public static class PreviewKit
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task<JsonElement> UploadAsync(this HttpClient client, byte[] file, string label = "media")
    {
        var response = await client.PostAsync("/entities", Forms.Entity(false, label, file: file), Ct);
        return await Expect.StatusAsync(response, HttpStatusCode.Created);
    }

    public static Task<HttpResponseMessage> PreviewAsync(this HttpClient client, long id, string query = "") =>
        client.GetAsync($"/entities/{id}/preview{query}", Ct);

    /// <summary>The preview, checked to be a WebP answered 200, decoded.</summary>
    public static async Task<Image<Rgba32>> PreviewImageAsync(this HttpClient client, long id, string query = "")
    {
        var response = await client.PreviewAsync(id, query);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/webp", response.Content.Headers.ContentType?.MediaType);
        var bytes = await response.Content.ReadAsByteArrayAsync(Ct);
        Assert.Equal("RIFF", System.Text.Encoding.ASCII.GetString(bytes, 0, 4));
        Assert.Equal("WEBP", System.Text.Encoding.ASCII.GetString(bytes, 8, 4));
        return Image.Load<Rgba32>(bytes);
    }

    public static async Task<(int Width, int Height)> PreviewSizeAsync(this HttpClient client, long id, string query = "")
    {
        using var image = await client.PreviewImageAsync(id, query);
        return (image.Width, image.Height);
    }

    /// <summary>Every preview the store holds (in the media folder or the bucket), relative to the media folder.</summary>
    public static string[] PreviewFiles(this StoreHost host) => [.. host.StoredPreviews()];

    /// <summary>Where an entity's preview is kept, relative to the media folder (its key in a bucket).</summary>
    public static string PreviewFile(this StoreHost host, JsonElement entity, int size)
    {
        var path = entity.Str("file_path")!;
        var stem = Path.GetFileNameWithoutExtension(path);
        return $"previews/{Path.GetDirectoryName(path["store/".Length..])!}/{stem}-{size}.webp";
    }

    /// <summary>Whether a pixel is mostly red (the marker the orientation tests place in one corner).</summary>
    public static bool IsRed(Rgba32 p) => p.R > 180 && p.G < 90 && p.B < 90;
}
