// Reads held-out CIFAR-10 TEST images straight from ../shared/data (JPEG in a tar.gz), never committed.
// Picks `n` images by a seeded shuffle of the sorted file names; returns N×3×32×32 in [−2, 2].
import { createReadStream, existsSync } from 'node:fs'
import { createGunzip } from 'node:zlib'
import { extract } from 'tar-stream'
import jpeg from 'jpeg-js'
import { mulberry32 } from '../src/core/linalg/random'

export const DEFAULT_CIFAR_TEST = '../shared/data/cifar10/cifar10-test-jpg.tar.gz'

export async function loadCifarTest(path: string, n: number, seed: number): Promise<{ images: Float32Array; names: string[] }> {
  if (!existsSync(path)) throw new Error(`CIFAR-10 test archive not found at ${path} (see ../shared/data/cifar10/README.md)`)
  const files = new Map<string, Buffer>()
  const ex = extract()
  const done = new Promise<void>((resolve, reject) => {
    ex.on('entry', (header, stream, next) => {
      const chunks: Buffer[] = []
      stream.on('data', (c: unknown) => { chunks.push(c as Buffer) })
      stream.on('end', () => {
        if (header.type === 'file' && header.name.endsWith('.jpg')) files.set(header.name, Buffer.concat(chunks))
        next()
      })
      stream.resume()
    })
    ex.on('finish', resolve)
    ex.on('error', reject)
  })
  createReadStream(path).pipe(createGunzip()).pipe(ex)
  await done
  const names = [...files.keys()].sort()
  const u = mulberry32(seed)
  for (let i = names.length - 1; i > 0; i--) {
    const j = Math.floor(u() * (i + 1))
    ;[names[i], names[j]] = [names[j]!, names[i]!]
  }
  const pick = names.slice(0, n)
  const images = new Float32Array(n * 3 * 32 * 32)
  pick.forEach((name, k) => {
    const img = jpeg.decode(files.get(name)!, { useTArray: true })
    if (img.width !== 32 || img.height !== 32) throw new Error(`${name} is ${img.width}×${img.height}, expected 32×32`)
    for (let p = 0; p < 1024; p++) for (let c = 0; c < 3; c++) images[k * 3072 + c * 1024 + p] = (4 * img.data[4 * p + c]!) / 255 - 2
  })
  return { images, names: pick }
}
