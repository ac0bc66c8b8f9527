import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import { Providers } from '@/components/trpc';
import './globals.css';

export const metadata: Metadata = {
  title: 'Hookflow',
  description: 'Customer flows whose webhook steps run on Temporal',
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <Providers>{children}</Providers>
      </body>
    </html>
  );
}
