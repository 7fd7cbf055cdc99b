using System.Net.Http.Headers;
using System.Security.Cryptography;

namespace Store.Tests.Clients;

/// <summary>Bodies as today's CL clients send them (contract section 8).</summary>
static class ClientKit
{
    /// <summary>What httpx sends for <c>data=</c> without <c>files=</c>: a urlencoded form.</summary>
    public static FormUrlEncodedContent UrlEncoded(params (string Name, string Value)[] fields) =>
        new(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)));

    /// <summary>A multipart form with text fields and files under the given field names.</summary>
    public static MultipartFormDataContent Multipart(IEnumerable<(string Field, byte[] Bytes, string FileName)> files, params (string Name, string Value)[] fields)
    {
        var form = new MultipartFormDataContent();
        foreach (var (name, value) in fields) form.Add(new StringContent(value), name);
        foreach (var (field, bytes, fileName) in files)
        {
            var content = new ByteArrayContent(bytes);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            form.Add(content, field, fileName);
        }
        return form;
    }

    public static string Md5(byte[] bytes) => Convert.ToHexStringLower(MD5.HashData(bytes));
}
