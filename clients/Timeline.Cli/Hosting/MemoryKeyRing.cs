using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;

namespace Timeline.Cli.Hosting;

/// <summary>
/// The data protection key ring of the embedded services, kept in memory: nothing is written to
/// disk, so there is nothing to encrypt at rest (the keys never outlive the process).
/// </summary>
internal sealed class MemoryKeyRing : IXmlRepository, IXmlEncryptor, IXmlDecryptor
{
    private readonly List<XElement> elements = [];

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        lock (elements)
        {
            return [.. elements.Select(e => new XElement(e))];
        }
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        lock (elements)
        {
            elements.Add(new XElement(element));
        }
    }

    public EncryptedXmlInfo Encrypt(XElement plaintextElement) => new(new XElement(plaintextElement), typeof(MemoryKeyRing));

    public XElement Decrypt(XElement encryptedElement) => new(encryptedElement);
}
