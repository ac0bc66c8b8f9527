import { Suspense } from 'react';
import { SetPasswordForm } from '@/components/AuthForms';

export default function InvitePage() {
  return (
    <main className="auth-page">
      <Suspense>
        <SetPasswordForm mode="invite" />
      </Suspense>
    </main>
  );
}
