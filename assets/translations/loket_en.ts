<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="en_GB" sourcelanguage="nl_NL">
<context>
    <name>BusyScreen</name>
    <message>
        <location filename="../../kiosk/screens/system.py" line="28" />
        <source>Even geduld</source>
        <translation>One moment, please</translation>
    </message>
    <message>
        <location filename="../../kiosk/screens/system.py" line="31" />
        <source>De kiosk werkt even niet. Hij probeert het zelf opnieuw.
Wilt u niet wachten? Loop naar de receptie. Wij helpen u graag.</source>
        <translation>The kiosk is not working for a moment. It will try again by itself.
Don't want to wait? Please go to reception. We are happy to help.</translation>
    </message>
</context>
<context>
    <name>CheckInScreen</name>
    <message>
        <location filename="../../kiosk/screens/checkin.py" line="69" />
        <source>Inchecken voor uw afspraak</source>
        <translation>Check in for your appointment</translation>
    </message>
    <message>
        <location filename="../../kiosk/screens/checkin.py" line="70" />
        <source>Houd de QR-code van uw afspraak onder de scanner.</source>
        <translation>Hold the QR code of your appointment under the scanner.</translation>
    </message>
    <message>
        <location filename="../../kiosk/screens/checkin.py" line="71" />
        <source>Lukt scannen niet? Typ dan uw code.</source>
        <translation>Scanning does not work? Then type your code.</translation>
    </message>
    <message>
        <location filename="../../kiosk/screens/checkin.py" line="72" />
        <source>De code staat in uw bevestiging. Het zijn 9 tekens.</source>
        <translation>The code is in your confirmation. It has 9 characters.</translation>
    </message>
    <message>
        <location filename="../../kiosk/screens/checkin.py" line="73" />
        <source>Terug</source>
        <translation>Back</translation>
    </message>
    <message>
        <location filename="../../kiosk/screens/checkin.py" line="74" />
        <source>Inchecken</source>
        <translation>Check in</translation>
    </message>
    <message>
        <location filename="../../kiosk/screens/checkin.py" line="75" />
        <source>Wissen</source>
        <translation>Delete</translation>
    </message>
    <message>
        <location filename="../../kiosk/screens/checkin.py" line="76" />
        <source>Uw code</source>
        <translation>Your code</translation>
    </message>
    <message>
        <location filename="../../kiosk/screens/checkin.py" line="92" />
        <source>Typ alle 9 tekens van uw code.</source>
        <translation>Please type all 9 characters of your code.</translation>
    </message>
</context>
<context>
    <name>DisplayWindow</name>
    <message>
        <location filename="../../kiosk/display_window.py" line="245" />
        <source>Balie {number}</source>
        <translation>Counter {number}</translation>
    </message>
    <message>
        <location filename="../../kiosk/display_window.py" line="249" />
        <source>Nu aan de beurt</source>
        <translation>Now serving</translation>
    </message>
    <message>
        <location filename="../../kiosk/display_window.py" line="250" />
        <source>Eerder opgeroepen</source>
        <translation>Called before</translation>
    </message>
    <message>
        <location filename="../../kiosk/display_window.py" line="251" />
        <source>Wachtrij</source>
        <translation>Queue</translation>
    </message>
    <message>
        <location filename="../../kiosk/display_window.py" line="263" />
        <source>Even geduld, u wordt zo geroepen</source>
        <translation>Please wait, you will be called soon</translation>
    </message>
    <message>
        <location filename="../../kiosk/display_window.py" line="278" />
        <source>{n} wachtend</source>
        <translation>{n} waiting</translation>
    </message>
    <message>
        <location filename="../../kiosk/display_window.py" line="282" />
        <source>geen wachttijd</source>
        <translation>no wait</translation>
    </message>
    <message>
        <location filename="../../kiosk/display_window.py" line="284" />
        <source>± {m} min</source>
        <translation>± {m} min</translation>
    </message>
</context>
<context>
    <name>FeedbackNumberScreen</name>
    <message>
        <location filename="../../kiosk/screens/feedback.py" line="66" />
        <source>Typ de letter en het getal van uw bonnetje, bijvoorbeeld A 12.</source>
        <translation>Type the letter and the number on your ticket, for example A 12.</translation>
    </message>
    <message>
        <location filename="../../kiosk/screens/feedback.py" line="70" />
        <source>Geef een cijfer voor uw bezoek</source>
        <translation>Rate your visit</translation>
    </message>
    <message>
        <location filename="../../kiosk/screens/feedback.py" line="72" />
        <source>Scan de QR-code op uw bonnetje. Of typ uw nummer, bijvoorbeeld A 12.</source>
        <translation>Scan the QR code on your ticket. Or type your number, for example A 12.</translation>
    </message>
    <message>
        <location filename="../../kiosk/screens/feedback.py" line="74" />
        <source>Terug</source>
        <translation>Back</translation>
    </message>
    <message>
        <location filename="../../kiosk/screens/feedback.py" line="75" />
        <source>Verder</source>
        <translation>Next</translation>
    </message>
    <message>
        <location filename="../../kiosk/screens/feedback.py" line="76" />
        <source>Wissen</source>
        <translation>Delete</translation>
    </message>
</context>
<context>
    <name>FeedbackRatingScreen</name>
    <message>
        <location filename="../../kiosk/screens/feedback.py" line="153" />
        <source>Kies eerst een cijfer van 1 tot 10.</source>
        <translation>Please choose a score from 1 to 10 first.</translation>
    </message>
    <message>
        <location filename="../../kiosk/screens/feedback.py" line="158" />
        <source>Hoe was uw bezoek?</source>
        <translation>How was your visit?</translation>
    </message>
    <message>
        <location filename="../../kiosk/screens/feedback.py" line="166" />
        <source>Nummer {number}: {service}</source>
        <translation>Number {number}: {service}</translation>
    </message>
    <message>
        <location filename="../../kiosk/screens/feedback.py" line="170" />
        <source>Welk cijfer geeft u? 1 is heel slecht, 10 is heel goed.</source>
        <translation>What score do you give? 1 is very bad, 10 is very good.</translation>
    </message>
    <message>
        <location filename="../../kiosk/screens/feedback.py" line="172" />
        <source>Vriendelijk</source>
        <translation>Friendly</translation>
    </message>
    <message>
        <location filename="../../kiosk/screens/feedback.py" line="173" />
        <source>Snel geholpen</source>
        <translation>Quickly helped</translation>
    </message>
    <message>
        <location filename="../../kiosk/screens/feedback.py" line="174" />
        <source>Deskundig</source>
        <translation>Knowledgeable</translation>
    </message>
    <message>
        <location filename="../../kiosk/screens/feedback.py" line="177" />
        <source>Heel slecht</source>
        <translation>Very bad</translation>
    </message>
    <message>
        <location filename="../../kiosk/screens/feedback.py" line="178" />
        <source>Slecht</source>
        <translation>Bad</translation>
    </message>
    <message>
        <location filename="../../kiosk/screens/feedback.py" line="179" />
        <source>Gewoon</source>
        <translation>Okay</translation>
    </message>
    <message>
        <location filename="../../kiosk/screens/feedback.py" line="180" />
        <source>Goed</source>
        <translation>Good</translation>
    </message>
    <message>
        <location filename="../../kiosk/screens/feedback.py" line="181" />
        <source>Heel goed</source>
        <translation>Very good</translation>
    </message>
    <message>
        <location filename="../../kiosk/screens/feedback.py" line="201" />
        <source>Stoppen</source>
        <translation>Stop</translation>
    </message>
    <message>
        <location filename="../../kiosk/screens/feedback.py" line="202" />
        <source>Versturen</source>
        <translation>Send</translation>
    </message>
</context>
<context>
    <name>KioskWindow</name>
    <message>
        <location filename="../../kiosk/kiosk_window.py" line="234" />
        <source>Hoog contrast</source>
        <translation>High contrast</translation>
    </message>
    <message>
        <location filename="../../kiosk/kiosk_window.py" line="300" />
        <source>Dit bonnetje is van een andere plek</source>
        <translation>This ticket is from another location</translation>
    </message>
    <message>
        <location filename="../../kiosk/kiosk_window.py" line="302" />
        <source>U kunt hier alleen een cijfer geven voor een bezoek aan deze plek.</source>
        <translation>Here you can only rate a visit to this location.</translation>
    </message>
    <message>
        <location filename="../../kiosk/kiosk_window.py" line="327" />
        <source>De code is niet goed gelezen</source>
        <translation>The code was not read correctly</translation>
    </message>
    <message>
        <location filename="../../kiosk/kiosk_window.py" line="329" />
        <source>Deze code kennen we niet</source>
        <translation>We do not know this code</translation>
    </message>
    <message>
        <location filename="../../kiosk/kiosk_window.py" line="331" />
        <source>Even wachten</source>
        <translation>Please wait a moment</translation>
    </message>
    <message>
        <location filename="../../kiosk/kiosk_window.py" line="333" />
        <location filename="../../kiosk/kiosk_window.py" line="364" />
        <source>Uw afspraak is voorbij</source>
        <translation>Your appointment has passed</translation>
    </message>
    <message>
        <location filename="../../kiosk/kiosk_window.py" line="335" />
        <source>Uw afspraak is op een andere dag</source>
        <translation>Your appointment is on another day</translation>
    </message>
    <message>
        <location filename="../../kiosk/kiosk_window.py" line="337" />
        <source>Uw afspraak is op een andere plek</source>
        <translation>Your appointment is at another location</translation>
    </message>
    <message>
        <location filename="../../kiosk/kiosk_window.py" line="339" />
        <source>U bent al ingecheckt</source>
        <translation>You have already checked in</translation>
    </message>
    <message>
        <location filename="../../kiosk/kiosk_window.py" line="341" />
        <location filename="../../kiosk/kiosk_window.py" line="348" />
        <source>Dat lukte niet</source>
        <translation>That did not work</translation>
    </message>
    <message>
        <location filename="../../kiosk/kiosk_window.py" line="362" />
        <source>U bent te vroeg</source>
        <translation>You are early</translation>
    </message>
    <message>
        <location filename="../../kiosk/kiosk_window.py" line="363" />
        <source>Deze afspraak is geannuleerd</source>
        <translation>This appointment was cancelled</translation>
    </message>
    <message>
        <location filename="../../kiosk/kiosk_window.py" line="365" />
        <source>We zijn nu gesloten</source>
        <translation>We are closed now</translation>
    </message>
    <message>
        <location filename="../../kiosk/kiosk_window.py" line="366" />
        <source>Nu alleen op afspraak</source>
        <translation>Now by appointment only</translation>
    </message>
    <message>
        <location filename="../../kiosk/kiosk_window.py" line="367" />
        <source>Hiervoor heeft u een afspraak nodig</source>
        <translation>You need an appointment for this</translation>
    </message>
    <message>
        <location filename="../../kiosk/kiosk_window.py" line="368" />
        <source>Dit nummer kennen we niet</source>
        <translation>We do not know this number</translation>
    </message>
    <message>
        <location filename="../../kiosk/kiosk_window.py" line="369" />
        <source>U bent nog niet geholpen</source>
        <translation>You have not been helped yet</translation>
    </message>
    <message>
        <location filename="../../kiosk/kiosk_window.py" line="370" />
        <source>U heeft al een cijfer gegeven</source>
        <translation>You have already given a score</translation>
    </message>
    <message>
        <location filename="../../kiosk/kiosk_window.py" line="372" />
        <source>Dat kan nu niet</source>
        <translation>This is not possible now</translation>
    </message>
    <message>
        <location filename="../../kiosk/kiosk_window.py" line="379" />
        <source>Deze afspraak is geannuleerd. De receptie helpt u graag.</source>
        <translation>This appointment was cancelled. Reception is happy to help you.</translation>
    </message>
    <message>
        <location filename="../../kiosk/kiosk_window.py" line="380" />
        <source>De tijd van deze afspraak is voorbij. De receptie helpt u graag.</source>
        <translation>The time of this appointment has passed. Reception is happy to help you.</translation>
    </message>
    <message>
        <location filename="../../kiosk/kiosk_window.py" line="382" />
        <source>We zijn nu gesloten. Een afspraak maken kan bij de receptie, op de website of via de telefoon.</source>
        <translation>We are closed now. You can make an appointment at reception, on the website or by phone.</translation>
    </message>
    <message>
        <location filename="../../kiosk/kiosk_window.py" line="386" />
        <source>Nu helpen we alleen mensen met een afspraak. Een afspraak maken kan bij de receptie, op de website of via de telefoon.</source>
        <translation>Right now we only help people with an appointment. You can make an appointment at reception, on the website or by phone.</translation>
    </message>
    <message>
        <location filename="../../kiosk/kiosk_window.py" line="391" />
        <source>Hiervoor heeft u een afspraak nodig. Een afspraak maken kan bij de receptie, op de website of via de telefoon.</source>
        <translation>You need an appointment for this. You can make an appointment at reception, on the website or by phone.</translation>
    </message>
    <message>
        <location filename="../../kiosk/kiosk_window.py" line="396" />
        <source>We vinden dit nummer niet voor vandaag. Kijk goed op uw bonnetje en probeer het opnieuw.</source>
        <translation>We cannot find this number for today. Please check your ticket and try again.</translation>
    </message>
    <message>
        <location filename="../../kiosk/kiosk_window.py" line="400" />
        <source>U bent nog niet aan de beurt geweest. Geef na uw bezoek aan de balie een cijfer.</source>
        <translation>It has not been your turn yet. Please give a score after your visit to the counter.</translation>
    </message>
    <message>
        <location filename="../../kiosk/kiosk_window.py" line="402" />
        <source>Voor dit nummer is al een cijfer gegeven. Dank u wel!</source>
        <translation>A score has already been given for this number. Thank you!</translation>
    </message>
    <message>
        <location filename="../../kiosk/kiosk_window.py" line="406" />
        <source>U bent te vroeg. Uw afspraak is om {time}. U kunt inchecken vanaf {start}.</source>
        <translation>You are early. Your appointment is at {time}. You can check in from {start}.</translation>
    </message>
    <message>
        <location filename="../../kiosk/kiosk_window.py" line="408" />
        <source>Dit kan nu niet. De receptie helpt u graag.</source>
        <translation>This is not possible now. Reception is happy to help you.</translation>
    </message>
    <message>
        <location filename="../../kiosk/kiosk_window.py" line="446" />
        <source>Uw nummer komt op het scherm. Na uw bezoek kunt u met deze QR-code een cijfer geven.</source>
        <translation>Your number will appear on the screen. After your visit you can rate it with this QR code.</translation>
    </message>
    <message>
        <location filename="../../kiosk/kiosk_window.py" />
        <source>de wachtruimte</source>
        <translation>the waiting area</translation>
    </message>
    <message>
        <location filename="../../kiosk/kiosk_window.py" />
        <source>Deze code klopt niet</source>
        <translation>This code is not correct</translation>
    </message>
    <message>
        <location filename="../../kiosk/kiosk_window.py" />
        <source>We vinden geen afspraak bij deze code. Kijk of de code klopt en probeer het opnieuw.</source>
        <translation>We cannot find an appointment with this code. Please check the code and try again.</translation>
    </message>
    <message>
        <location filename="../../kiosk/kiosk_window.py" />
        <source>De tijd van uw afspraak is voorbij. Neem een nummer, dan helpen we u zonder afspraak. Of maak een nieuwe afspraak.</source>
        <translation>The time of your appointment has passed. Take a number and we will help you without an appointment. Or make a new appointment.</translation>
    </message>
    <message>
        <location filename="../../kiosk/kiosk_window.py" />
        <source>Er ging iets mis met deze code.</source>
        <translation>Something went wrong with this code.</translation>
    </message>
    <message>
        <location filename="../../kiosk/kiosk_window.py" />
        <source>Uw afspraak is om {time}. U kunt inchecken vanaf {start}. Kom dan terug. Of neem nu een nummer, dan helpt de eerste vrije medewerker u.</source>
        <translation>Your appointment is at {time}. You can check in from {start}. Please come back then. Or take a number now, and the first free member of staff will help you.</translation>
    </message>
</context>
<context>
    <name>MessageScreen</name>
    <message>
        <location filename="../../kiosk/screens/message.py" line="63" />
        <source>Lukt het niet? Loop naar de receptie. Wij helpen u graag.</source>
        <translation>Not working? Please go to reception. We are happy to help.</translation>
    </message>
    <message>
        <location filename="../../kiosk/screens/message.py" line="64" />
        <source>Opnieuw proberen</source>
        <translation>Try again</translation>
    </message>
    <message>
        <location filename="../../kiosk/screens/message.py" line="65" />
        <source>Naar het begin</source>
        <translation>Back to start</translation>
    </message>
    <message>
        <location filename="../../kiosk/screens/message.py" />
        <source>Nummer nemen</source>
        <translation>Take a number</translation>
    </message>
</context>
<context>
    <name>StaffLoginScreen</name>
    <message>
        <location filename="../../kiosk/screens/system.py" line="98" />
        <source>Alleen voor medewerkers</source>
        <translation>Staff only</translation>
    </message>
    <message>
        <location filename="../../kiosk/screens/system.py" line="101" />
        <source>Houd uw medewerkerspas bij de lezer. Of log in met uw code en pincode. Alleen een teamleider of beheerder kan de kiosk afsluiten.</source>
        <translation>Hold your staff card to the reader. Or log in with your code and PIN. Only a team leader or administrator can close the kiosk.</translation>
    </message>
    <message>
        <location filename="../../kiosk/screens/system.py" line="106" />
        <source>Code: {code}</source>
        <translation>Code: {code}</translation>
    </message>
    <message>
        <location filename="../../kiosk/screens/system.py" line="108" />
        <source>Pincode: {dots}</source>
        <translation>PIN: {dots}</translation>
    </message>
    <message>
        <location filename="../../kiosk/screens/system.py" line="110" />
        <source>Terug</source>
        <translation>Back</translation>
    </message>
    <message>
        <location filename="../../kiosk/screens/system.py" line="111" />
        <source>Inloggen</source>
        <translation>Log in</translation>
    </message>
    <message>
        <location filename="../../kiosk/screens/system.py" line="112" />
        <source>Wissen</source>
        <translation>Delete</translation>
    </message>
</context>
<context>
    <name>StaffMenuScreen</name>
    <message>
        <location filename="../../kiosk/screens/system.py" line="142" />
        <source>Ingelogd als {name}</source>
        <translation>Logged in as {name}</translation>
    </message>
    <message>
        <location filename="../../kiosk/screens/system.py" line="143" />
        <source>Kiosk afsluiten</source>
        <translation>Close the kiosk</translation>
    </message>
    <message>
        <location filename="../../kiosk/screens/system.py" line="144" />
        <source>Terug naar het beginscherm</source>
        <translation>Back to the start screen</translation>
    </message>
</context>
<context>
    <name>StartScreen</name>
    <message>
        <location filename="../../kiosk/screens/start.py" line="41" />
        <source>Welkom! Waarvoor komt u?</source>
        <translation>Welcome! What are you here for?</translation>
    </message>
    <message>
        <location filename="../../kiosk/screens/start.py" line="43" />
        <source>Ik heb een afspraak</source>
        <translation>I have an appointment</translation>
    </message>
    <message>
        <location filename="../../kiosk/screens/start.py" line="43" />
        <source>Scan uw QR-code of typ uw code.</source>
        <translation>Scan your QR code or type your code.</translation>
    </message>
    <message>
        <location filename="../../kiosk/screens/start.py" line="46" />
        <source>Ik heb geen afspraak</source>
        <translation>I do not have an appointment</translation>
    </message>
    <message>
        <location filename="../../kiosk/screens/start.py" line="46" />
        <source>Kies waarvoor u komt. U krijgt een nummer.</source>
        <translation>Choose what you are here for. You will get a number.</translation>
    </message>
    <message>
        <location filename="../../kiosk/screens/start.py" line="48" />
        <source>Geef een cijfer voor uw bezoek</source>
        <translation>Rate your visit</translation>
    </message>
    <message>
        <location filename="../../kiosk/screens/start.py" line="49" />
        <source>Heeft u een QR-code? Houd die onder de scanner.</source>
        <translation>Do you have a QR code? Hold it under the scanner.</translation>
    </message>
    <message>
        <location filename="../../kiosk/screens/start.py" line="50" />
        <source>Hulp nodig? Loop naar de receptie. Wij helpen u graag.</source>
        <translation>Need help? Please go to reception. We are happy to help.</translation>
    </message>
</context>
<context>
    <name>ThanksScreen</name>
    <message>
        <location filename="../../kiosk/screens/feedback.py" line="238" />
        <source>Dank u wel!</source>
        <translation>Thank you!</translation>
    </message>
    <message>
        <location filename="../../kiosk/screens/feedback.py" line="240" />
        <source>Met uw cijfer maken we onze dienst beter. Wij wensen u een fijne dag.</source>
        <translation>Your score helps us improve our service. Have a nice day.</translation>
    </message>
    <message>
        <location filename="../../kiosk/screens/feedback.py" line="242" />
        <source>Naar het begin</source>
        <translation>Back to start</translation>
    </message>
</context>
<context>
    <name>TicketScreen</name>
    <message>
        <location filename="../../kiosk/screens/ticket.py" line="88" />
        <source>Nu is er niemand voor deze dienst. Verwacht vanaf {time}.</source>
        <translation>Nobody is serving this right now. Expected from {time}.</translation>
    </message>
    <message>
        <location filename="../../kiosk/screens/ticket.py" line="91" />
        <source>Nu is er niemand voor deze dienst.</source>
        <translation>Nobody is serving this right now.</translation>
    </message>
    <message>
        <location filename="../../kiosk/screens/ticket.py" line="81" />
        <source>U bent bijna aan de beurt.</source>
        <translation>It will be your turn very soon.</translation>
    </message>
    <message>
        <location filename="../../kiosk/screens/ticket.py" line="82" />
        <source>U wacht ongeveer {minutes} minuten.</source>
        <translation>You will wait about {minutes} minutes.</translation>
    </message>
    <message>
        <location filename="../../kiosk/screens/ticket.py" line="85" />
        <source>Klaar</source>
        <translation>Done</translation>
    </message>
    <message>
        <location filename="../../kiosk/screens/ticket.py" line="93" />
        <source>U bent ingecheckt</source>
        <translation>You are checked in</translation>
    </message>
    <message>
        <location filename="../../kiosk/screens/ticket.py" line="95" />
        <source>Welkom, u bent ingecheckt</source>
        <translation>Welcome, you are checked in</translation>
    </message>
    <message>
        <location filename="../../kiosk/screens/ticket.py" line="97" />
        <source>Dit is uw nummer</source>
        <translation>This is your number</translation>
    </message>
    <message>
        <location filename="../../kiosk/screens/ticket.py" line="98" />
        <source>Uw nummer is</source>
        <translation>Your number is</translation>
    </message>
    <message>
        <location filename="../../kiosk/screens/ticket.py" line="100" />
        <source>Uw nummer is {number}</source>
        <translation>Your number is {number}</translation>
    </message>
    <message>
        <location filename="../../kiosk/screens/ticket.py" line="106" />
        <source>U bent te laat voor uw afspraak. U krijgt een gewoon nummer en wacht op uw beurt.</source>
        <translation>You are late for your appointment. You get a regular number and wait for your turn.</translation>
    </message>
    <message>
        <location filename="../../kiosk/screens/ticket.py" line="112" />
        <source>Uw afspraak is om {time}. We roepen u rond die tijd.</source>
        <translation>Your appointment is at {time}. We will call you around that time.</translation>
    </message>
    <message>
        <location filename="../../kiosk/screens/ticket.py" line="122" />
        <source>Wacht in de wachtruimte. Uw nummer komt op het scherm.</source>
        <translation>Please wait in the waiting area. Your number will appear on the screen.</translation>
    </message>
    <message>
        <location filename="../../kiosk/screens/ticket.py" line="124" />
        <source>De medewerker weet dat u hulp nodig heeft.</source>
        <translation>Our staff know that you need help.</translation>
    </message>
    <message>
        <location filename="../../kiosk/screens/ticket.py" line="133" />
        <source>Uw bonnetje wordt geprint.</source>
        <translation>Your ticket is being printed.</translation>
    </message>
    <message>
        <location filename="../../kiosk/screens/ticket.py" line="135" />
        <source>Neem uw bonnetje uit de printer.</source>
        <translation>Please take your ticket from the printer.</translation>
    </message>
    <message>
        <location filename="../../kiosk/screens/ticket.py" line="137" />
        <source>Onthoud uw nummer, of maak er een foto van.</source>
        <translation>Remember your number, or take a photo of it.</translation>
    </message>
    <message>
        <location filename="../../kiosk/screens/ticket.py" line="141" />
        <source>De printer werkt nu niet. Onthoud uw nummer, of maak er een foto van. Een medewerker weet het al.</source>
        <translation>The printer is not working now. Remember your number, or take a photo of it. Our staff already know.</translation>
    </message>
    <message>
        <location filename="../../kiosk/screens/ticket.py" line="156" />
        <source>Maak een foto</source>
        <translation>Take a photo</translation>
    </message>
    <message>
        <location filename="../../kiosk/screens/ticket.py" />
        <source>Bonnetje printen</source>
        <translation>Print a ticket</translation>
    </message>
    <message>
        <location filename="../../kiosk/screens/ticket.py" />
        <source>Alleen op het scherm</source>
        <translation>Only on the screen</translation>
    </message>
    <message>
        <location filename="../../kiosk/screens/ticket.py" />
        <source>Wilt u een bonnetje? Of alleen uw nummer op het scherm? Dat scheelt papier.</source>
        <translation>Would you like a paper ticket? Or only your number on the screen? That saves paper.</translation>
    </message>
    <message>
        <location filename="../../kiosk/screens/ticket.py" />
        <source>Er wordt niets geprint. Onthoud uw nummer, of maak er een foto van.</source>
        <translation>Nothing is printed. Remember your number, or take a photo of it.</translation>
    </message>
    <message>
        <location filename="../../kiosk/screens/ticket.py" />
        <source>Wacht in {place}. Uw nummer komt op het scherm.</source>
        <translation>Please wait in {place}. Your number will appear on the screen.</translation>
    </message>
</context>
<context>
    <name>WalkInScreen</name>
    <message>
        <location filename="../../kiosk/screens/walk_in.py" line="100" />
        <source>Terug</source>
        <translation>Back</translation>
    </message>
    <message>
        <location filename="../../kiosk/screens/walk_in.py" line="101" />
        <source>Ik heb hulp nodig</source>
        <translation>I need help</translation>
    </message>
    <message>
        <location filename="../../kiosk/screens/walk_in.py" line="114" />
        <source>Slecht ter been, slechtziend of doof? Druk hier, dan houden wij rekening met u.</source>
        <translation>Difficulty walking, seeing or hearing? Press here and we will take it into account.</translation>
    </message>
    <message>
        <location filename="../../kiosk/screens/walk_in.py" line="128" />
        <source>Waarvoor komt u? Kies één onderwerp.</source>
        <translation>What are you here for? Choose one topic.</translation>
    </message>
    <message>
        <location filename="../../kiosk/screens/walk_in.py" line="133" />
        <source>Nu alleen op afspraak</source>
        <translation>Now by appointment only</translation>
    </message>
    <message>
        <location filename="../../kiosk/screens/walk_in.py" line="135" />
        <source>Tot {time} helpen we alleen mensen met een afspraak.</source>
        <translation>Until {time} we only help people with an appointment.</translation>
    </message>
    <message>
        <location filename="../../kiosk/screens/walk_in.py" line="140" />
        <source>We zijn nu gesloten</source>
        <translation>We are closed now</translation>
    </message>
    <message>
        <location filename="../../kiosk/screens/walk_in.py" line="144" />
        <source>Een afspraak maken kan bij de receptie, op de website of via de telefoon.</source>
        <translation>You can make an appointment at reception, on the website or by phone.</translation>
    </message>
    <message>
        <location filename="../../kiosk/screens/walk_in.py" line="148" />
        <source>Zonder afspraak kunt u weer komen op {day} vanaf {time}.</source>
        <translation>You can come without an appointment again on {day} from {time}.</translation>
    </message>
    <message>
        <location filename="../../kiosk/screens/walk_in.py" line="153" />
        <source>Heeft u wel een afspraak? Ga terug en kies "Ik heb een afspraak".</source>
        <translation>Do you have an appointment? Go back and choose "I have an appointment".</translation>
    </message>
</context>
</TS>