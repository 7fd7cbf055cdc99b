using System.Net.Http.Headers;
using System.Text;

namespace Store.Tests.Infrastructure;

/// <summary>Builds multipart bodies the way the CL SDKs send them.</summary>
public static class Forms
{
    public static MultipartFormDataContent Entity(bool? isCollection, string? label = null, string? description = null,
        long? parentId = null, byte[]? file = null, string fileName = "photo.jpg", string? contentType = "application/octet-stream")
    {
        var form = new MultipartFormDataContent();
        if (isCollection is not null) form.Add(new StringContent(isCollection.Value ? "true" : "false"), "is_collection");
        if (label is not null) form.Add(new StringContent(label), "label");
        if (description is not null) form.Add(new StringContent(description), "description");
        if (parentId is not null) form.Add(new StringContent(parentId.Value.ToString()), "parent_id");
        if (file is not null) form.Add(File(file, contentType), "image", fileName);
        return form;
    }

    public static ByteArrayContent File(byte[] bytes, string? contentType = "application/octet-stream")
    {
        var content = new ByteArrayContent(bytes);
        if (contentType is not null) content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return content;
    }

    public static MultipartFormDataContent Fields(params (string Name, string Value)[] fields)
    {
        var form = new MultipartFormDataContent();
        foreach (var (name, value) in fields) form.Add(new StringContent(value), name);
        return form;
    }

    /// <summary>Distinct small text content for tests that only need "some file".</summary>
    public static byte[] Text(string text) => Encoding.UTF8.GetBytes(text);
}
